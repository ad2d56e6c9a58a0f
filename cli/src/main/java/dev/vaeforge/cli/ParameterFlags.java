package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows a library message that names parameters ("beta must be a number >= 0, got -1.0", parameters
 * ["beta"]) the way the command line spells them ("--beta must be a number >= 0, got -1.0"). The
 * libraries name parameters; the flag wording lives here.
 */
final class ParameterFlags {
    private ParameterFlags() {
    }

    /** The flag of a parameter: "beta" -> "--beta". */
    static String flag(String parameter) {
        return "--" + parameter;
    }

    /**
     * {@code message} with the first whole-word occurrence of each of {@code parameters} written as its
     * flag; a parameter the message does not name is put in front ("--steps: ..."). Only the first
     * occurrence: a later one is usually a value or plain word ("conditioning attributes: ...", "model:
     * unknown model family ..."). Whole word: "ema" does not match inside "ema-decay" or "--ema".
     */
    static String render(String message, List<String> parameters) {
        String m = message;
        StringBuilder prefix = new StringBuilder();
        for (String p : parameters) {
            Matcher x = Pattern.compile("(?<![\\w-])" + Pattern.quote(p) + "(?![\\w-])").matcher(m);
            if (x.find()) {
                m = m.substring(0, x.start()) + flag(p) + m.substring(x.end());
            } else {
                prefix.append(flag(p)).append(": ");
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
}
