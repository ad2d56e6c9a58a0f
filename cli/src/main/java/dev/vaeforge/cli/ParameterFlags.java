package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows a library message under the CLI's spelling: the libraries name parameters ("steps must be >= 2,
 * got 1", parameters ["steps"]), the user typed flags, so each listed parameter is rendered as its flag
 * ("--steps must be >= 2, got 1"). The libraries name the parameter at fault first; only that first
 * mention of each parameter becomes its flag, because a later one is usually a value or plain prose
 * ("conditioning attributes: ...", "model: unknown model family ..."). A mention is a whole word: "beta"
 * leaves "beta-start", an already written "--beta" and a path such as "runs/beta/config.json" alone. A
 * parameter the message does not mention at all is put in front ("--steps: ...").
 */
final class ParameterFlags {
    private ParameterFlags() {
    }

    /** {@code message} with the first whole-word mention of each of {@code parameters} written as its flag. */
    static String render(String message, List<String> parameters) {
        if (message == null || parameters == null || parameters.isEmpty()) {
            return message;
        }
        String m = message;
        StringBuilder prefix = new StringBuilder();
        for (String p : parameters) {
            if (p == null || p.isEmpty()) {
                continue;
            }
            String flag = flag(p);
            // a whole word: not part of a longer name, not a flag already written, not in a path or file name
            Matcher x = Pattern.compile("(?<![\\w\\-./\\\\])" + Pattern.quote(p) + "(?![\\w\\-/\\\\]|\\.\\w)").matcher(m);
            if (x.find()) {
                m = m.substring(0, x.start()) + flag + m.substring(x.end());
            } else if (!Pattern.compile(Pattern.quote(flag) + "(?![\\w-])").matcher(m).find()) {
                prefix.append(flag).append(": ");
            }
        }
        return prefix + m;
    }

    /** {@link #render(String, List)} of the exception's message and {@link VaeforgeException#parameters()}. */
    static String render(VaeforgeException e) {
        return render(e.getMessage(), e.parameters());
    }

    /**
     * The same failure with the message in flags and no parameters left to render (so a printer that
     * renders parameters does not do it twice); {@code e} itself when it names none.
     */
    static VaeforgeException asFlags(VaeforgeException e) {
        return e.parameters().isEmpty() ? e : new VaeforgeException(e.code(), render(e), e);
    }

    /** "steps" -> "--steps"; a camelCase name is written as picocli flags are: "batchSize" -> "--batch-size". */
    static String flag(String parameter) {
        return "--" + parameter.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
