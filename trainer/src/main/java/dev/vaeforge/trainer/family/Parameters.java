package dev.vaeforge.trainer.family;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.model.Span;
import java.util.List;

/** Checks of parameter values that several families make; each error names its parameters. */
public final class Parameters {
    private Parameters() {
    }

    /** Refuses a given value that is not a finite number >= 0. */
    public static void nonNegative(ParameterValues values, String name) {
        Double v = values.number(name);
        if (v != null && (!(v >= 0) || v.isInfinite())) {
            throw VaeforgeException.badParameter(name + " must be a number >= 0, got " + v, name);
        }
    }

    /** Refuses {@code name} when given while {@code choice} (of parameter {@code owner}) is none of {@code allowed}. */
    public static void onlyWith(ParameterValues values, String name, String owner, String choice, String... allowed) {
        if (values.given(name) && !List.of(allowed).contains(choice)) {
            throw VaeforgeException.badParameter(name + " applies to " + owner + " " + String.join(" or ", allowed)
                    + ", not " + choice, name, owner);
        }
    }

    /** The span given for {@code name}, or null. */
    public static Span span(ParameterValues values, String name) {
        String v = values.text(name);
        if (v == null) {
            return null;
        }
        try {
            return Span.parse(v);
        } catch (IllegalArgumentException e) {
            throw VaeforgeException.badParameter(name + ": " + e.getMessage(), name);
        }
    }

    /** A config record's refusal of a combination of values, as an error of parameter "model". */
    public static VaeforgeException invalid(String family, IllegalArgumentException e, String... more) {
        String[] names = new String[more.length + 1];
        names[0] = "model";
        System.arraycopy(more, 0, names, 1, more.length);
        return VaeforgeException.badParameter("model " + family + ": " + e.getMessage(), names);
    }
}
