package dev.vaeforge.runtime.data;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The argument of a dataset spec after {@code scheme:}: a path, then optional comma-separated
 * {@code key=value} items or flags, e.g. {@code /data/celeba,crop=178} or
 * {@code x.npy,labels=y.npy,layout=nhwc}. Keys are case-insensitive; a path cannot contain a comma.
 */
final class SpecArguments {
    private final String scheme;
    private final String path;
    private final Map<String, String> items;

    private SpecArguments(String scheme, String path, Map<String, String> items) {
        this.scheme = scheme;
        this.path = path;
        this.items = items;
    }

    /**
     * @param keys  the keys this scheme accepts
     * @param usage how to write the spec, for messages
     */
    static SpecArguments parse(String scheme, String argument, Set<String> keys, String usage) {
        String[] parts = argument.split(",", -1);
        String path = parts[0].strip();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("'" + scheme + ":" + argument + "' has no path; expected " + usage);
        }
        Map<String, String> items = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String item = parts[i].strip();
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : item.substring(eq + 1).strip();
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + item + "' in '" + scheme + ":" + argument
                        + "'; expected " + usage + (keys.isEmpty() ? "" : " (options: " + String.join(", ", keys) + ")")
                        + "; paths cannot contain ','");
            }
            if (items.containsKey(key)) {
                throw new IllegalArgumentException("'" + key + "' given twice in '" + scheme + ":" + argument + "'");
            }
            items.put(key, value);
        }
        return new SpecArguments(scheme, path, Collections.unmodifiableMap(items));
    }

    Path path() {
        return Path.of(path);
    }

    boolean has(String key) {
        return items.containsKey(key);
    }

    /** The value of {@code key}; an error if it was given as a flag. */
    String value(String key, String fallback) {
        if (!items.containsKey(key)) {
            return fallback;
        }
        String v = items.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' needs a value in a " + scheme + ": spec, e.g. " + key
                    + "=...");
        }
        return v;
    }

    /** True for a flag ({@code labels}); an error if the flag was given a value. */
    boolean flag(String key) {
        if (!items.containsKey(key)) {
            return false;
        }
        if (items.get(key) != null) {
            throw new IllegalArgumentException("'" + key + "' takes no value in a " + scheme + ": spec");
        }
        return true;
    }
}
