package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.VaeforgeException;

/**
 * How an activation's range is taken from calibration: {@code MINMAX} the smallest and largest value
 * seen; {@code PERCENTILE} the (100 − p)-th and p-th percentiles of all values seen (from a 4096-bin
 * histogram over the min-max range), which ignores rare outliers at the cost of clipping them.
 */
public enum CalibrationMethod {
    MINMAX("minmax"), PERCENTILE("percentile");

    private final String id;

    CalibrationMethod(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static CalibrationMethod parse(String s) {
        for (CalibrationMethod m : values()) {
            if (m.id.equals(s)) {
                return m;
            }
        }
        throw VaeforgeException.badParameter("method must be minmax or percentile, got '" + s + "'", "method");
    }
}
