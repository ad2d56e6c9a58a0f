package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.ConditionSpec;

/** The checks every call into a model makes on its arguments, each failure a BAD_INPUT naming the value. */
public final class Inputs {
    private Inputs() {
    }

    /** {@code n >= 1} items of {@code per} values each. */
    public static void length(String what, float[] data, int n, int per) {
        if (n < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "need at least one " + what + ", got n = " + n);
        }
        if (data.length != (long) n * per) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, what + ": " + data.length + " values, expected "
                    + n + " x " + per + " = " + (long) n * per);
        }
    }

    /** A condition [n, A] exactly when the model is conditioned ({@code spec} non-null). */
    public static void condition(ConditionSpec spec, float[] y, int n) {
        if (spec == null) {
            if (y != null) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "this bundle takes no condition; a"
                        + " condition (label or attributes) applies to conditioned bundles only");
            }
            return;
        }
        if (y == null) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "this bundle is conditioned on " + spec.describe()
                    + "; give a condition for every image");
        }
        length("conditions", y, n, spec.dim());
    }

    public static void samples(int n) {
        if (n < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "number of samples must be >= 1, got " + n);
        }
    }

    /** {@code y} [A] repeated for {@code n} items, [n, A]; null stays null. */
    public static float[] repeat(float[] y, int n) {
        if (y == null) {
            return null;
        }
        float[] out = new float[n * y.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, 0, out, i * y.length, y.length);
        }
        return out;
    }
}
