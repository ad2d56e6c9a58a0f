package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.List;

/**
 * One quantisation: calibration on the first {@code calibrationImages} images of the dataset with
 * {@code method} (and {@code percentile} for the percentile method), the gate on the next
 * {@code gateImages}; {@code keepFp32} layer names left in fp32 as asked; {@code sensitivity}: when the
 * gate fails, keep the layers that hurt most in fp32 (measured one at a time) until it passes;
 * {@code force}: write a bundle that fails the gate anyway (recorded as forced).
 */
public record QuantizeSettings(int calibrationImages, CalibrationMethod method, double percentile, int gateImages,
                               List<String> keepFp32, boolean sensitivity, GateThresholds thresholds, boolean force,
                               long seed) {
    public static final int DEFAULT_CALIBRATION_IMAGES = 256;
    public static final int MIN_CALIBRATION_IMAGES = 16;
    public static final int DEFAULT_GATE_IMAGES = 256;
    public static final int MIN_GATE_IMAGES = 16;
    public static final double DEFAULT_PERCENTILE = 99.99;

    public QuantizeSettings {
        if (calibrationImages < MIN_CALIBRATION_IMAGES) {
            throw VaeforgeException.badParameter("calibrationImages must be >= " + MIN_CALIBRATION_IMAGES + ", got "
                    + calibrationImages, "calibrationImages");
        }
        if (gateImages < MIN_GATE_IMAGES) {
            throw VaeforgeException.badParameter("gateImages must be >= " + MIN_GATE_IMAGES + ", got " + gateImages,
                    "gateImages");
        }
        if (!(percentile > 50 && percentile <= 100)) {
            throw VaeforgeException.badParameter("percentile must be in (50, 100], got " + percentile, "percentile");
        }
        keepFp32 = List.copyOf(keepFp32);
    }

    public static QuantizeSettings defaults() {
        return new QuantizeSettings(DEFAULT_CALIBRATION_IMAGES, CalibrationMethod.MINMAX, DEFAULT_PERCENTILE,
                DEFAULT_GATE_IMAGES, List.of(), true, GateThresholds.DEFAULTS, false, 0);
    }
}
