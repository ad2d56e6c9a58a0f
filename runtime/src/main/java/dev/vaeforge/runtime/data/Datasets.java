package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Opens datasets from command-line specs {@code scheme:argument}. The runtime knows {@code folder:DIR};
 * further readers ({@code celeba:}, {@code idx:}, {@code npy:}) are added as entries of
 * {@link #SCHEMES}: one line each, no parsing changes. The built-in {@code shapes} dataset is not here:
 * its generator lives in vaeforge-fixtures, which the runtime must not depend on, so the CLI resolves it
 * and delegates everything else to this class.
 */
public final class Datasets {
    /** A scheme: how to write it (for messages) and how to open it. */
    private record Scheme(String usage, DatasetProvider provider) {
    }

    private static final Map<String, Scheme> SCHEMES;

    static {
        Map<String, Scheme> m = new LinkedHashMap<>();
        m.put("folder", new Scheme("folder:DIR (every PNG/JPEG/BMP/GIF/TIFF file under DIR)",
                (arg, options) -> FolderDataset.open(Path.of(arg), options)));
        // celeba:DIR, idx:DIR and npy:FILE go here.
        SCHEMES = Collections.unmodifiableMap(m);
    }

    private Datasets() {
    }

    /**
     * Opens {@code spec}. Unknown or malformed specs are an {@link IllegalArgumentException} that lists
     * the known schemes; problems with the data itself are {@link IOException}s.
     */
    public static ImageDataset open(String spec, DatasetOptions options) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        int colon = spec.indexOf(':');
        if (colon < 0) {
            if (spec.strip().equalsIgnoreCase("shapes")) {
                throw new IllegalArgumentException("the built-in 'shapes' dataset is provided by the vaeforge CLI;"
                        + " the runtime opens " + usages());
            }
            throw new IllegalArgumentException("dataset spec '" + spec + "' has no scheme; expected " + usages()
                    + ", e.g. folder:" + spec);
        }
        String scheme = spec.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String argument = spec.substring(colon + 1);
        Scheme s = SCHEMES.get(scheme);
        if (s == null) {
            throw new IllegalArgumentException("unknown dataset scheme '" + scheme + "' in '" + spec
                    + "'; known schemes: " + usages());
        }
        if (argument.isBlank()) {
            throw new IllegalArgumentException("dataset spec '" + spec + "' is missing its argument; expected "
                    + s.usage());
        }
        return s.provider().open(argument, options);
    }

    /** The schemes {@link #open} understands, in the order they are listed in messages. */
    public static java.util.Set<String> schemes() {
        return SCHEMES.keySet();
    }

    private static String usages() {
        return String.join(", ", SCHEMES.values().stream().map(Scheme::usage).toList());
    }
}
