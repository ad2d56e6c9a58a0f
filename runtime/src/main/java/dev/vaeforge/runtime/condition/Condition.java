package dev.vaeforge.runtime.condition;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * One condition vector y[A] chosen by a user (parameter label, e.g. "2" or "heart", or parameter
 * condition, e.g. "Smiling=1,Eyeglasses=0"), checked against a model's {@link ConditionSpec}; a bad
 * value is a {@code VaeforgeException} naming that parameter. Immutable.
 */
public final class Condition {
    private final ConditionSpec spec;
    private final float[] y;
    private final String text;

    private Condition(ConditionSpec spec, float[] y, String text) {
        this.spec = spec;
        this.y = y;
        this.text = text;
    }

    /**
     * The one-hot vector of a class, given by index ("2") or by name ("heart").
     *
     * @throws VaeforgeException (parameter label) naming the allowed values, also when {@code spec} is not labels
     */
    public static Condition label(ConditionSpec spec, String value) {
        if (spec.kind() != ConditionKind.LABELS) {
            throw VaeforgeException.badParameter("label: the model is conditioned on " + spec.describe()
                    + ", not on labels; use condition NAME=0|1,...", "label", "condition");
        }
        String v = value == null ? "" : value.strip();
        int index = spec.names().indexOf(v);
        if (index < 0) {
            try {
                index = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0 || index >= spec.dim()) {
                throw VaeforgeException.badParameter("label " + value + ": not a class of the model; allowed: 0.."
                        + (spec.dim() - 1) + " or a name: " + spec.describe(), "label");
            }
        }
        float[] y = new float[spec.dim()];
        y[index] = 1f;
        return new Condition(spec, y, "label " + index + " (" + spec.names().get(index) + ")");
    }

    /**
     * A multi-hot vector from {@code NAME=1,NAME=0,...}; attributes not named are 0.
     *
     * @throws VaeforgeException (parameter condition) naming the unknown name or bad value and the allowed ones
     */
    public static Condition attributes(ConditionSpec spec, String assignments) {
        if (spec.kind() != ConditionKind.ATTRIBUTES) {
            throw VaeforgeException.badParameter("condition: the model is conditioned on " + spec.describe()
                    + ", not on attributes; use label INDEX|NAME", "condition", "label");
        }
        float[] y = new float[spec.dim()];
        Set<String> seen = new HashSet<>();
        String body = assignments == null ? "" : assignments.strip();
        if (!body.isEmpty()) {
            for (String item : body.split(",", -1)) {
                int eq = item.indexOf('=');
                String name = (eq < 0 ? item : item.substring(0, eq)).strip();
                String value = eq < 0 ? "" : item.substring(eq + 1).strip();
                int i = spec.names().indexOf(name);
                if (i < 0) {
                    throw VaeforgeException.badParameter("condition: unknown attribute '" + name + "'; allowed: "
                            + String.join(", ", spec.names()), "condition");
                }
                if (!value.equals("0") && !value.equals("1")) {
                    throw VaeforgeException.badParameter("condition: " + name + " needs =0 or =1, got '" + item.strip()
                            + "'", "condition");
                }
                if (!seen.add(name)) {
                    throw VaeforgeException.badParameter("condition: " + name + " is given twice", "condition");
                }
                y[i] = value.equals("1") ? 1f : 0f;
            }
        }
        return new Condition(spec, y, describe(spec, y));
    }

    /** The all-zero attribute vector (no attribute set), or for labels an error: a class must be chosen. */
    public static Condition none(ConditionSpec spec) {
        return attributes(spec, "");
    }

    /** y for one image. */
    public float[] vector() {
        return y.clone();
    }

    /** y repeated for {@code n} images, [n, A] row-major. */
    public float[] repeat(int n) {
        float[] out = new float[n * y.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, 0, out, i * y.length, y.length);
        }
        return out;
    }

    public ConditionSpec spec() {
        return spec;
    }

    /** "label 2 (heart)" or "Smiling=1, Eyeglasses=0", for output. */
    @Override
    public String toString() {
        return text;
    }

    private static String describe(ConditionSpec spec, float[] y) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 0f) {
                sb.append(sb.length() > 0 ? ", " : "").append(spec.names().get(i)).append("=1");
            }
        }
        return sb.length() == 0 ? "no attribute set" : sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && spec.equals(c.spec) && Arrays.equals(y, c.y);
    }

    @Override
    public int hashCode() {
        return spec.hashCode() * 31 + Arrays.hashCode(y);
    }
}
