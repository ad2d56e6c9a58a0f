package dev.vaeforge.runtime.quantize;

/**
 * Per-tensor asymmetric uint8 parameters of one activation: real = scale · (q − zeroPoint), q in
 * [0, 255]. The range is widened to contain 0 so that zero (padding, ReLU's floor) is exact.
 */
record QuantParams(float scale, int zeroPoint) {
    static final int QMIN = 0;
    static final int QMAX = 255;

    static QuantParams of(double lo, double hi) {
        double l = Math.min(lo, 0);
        double h = Math.max(hi, 0);
        if (!(h - l > 1e-12) || !Double.isFinite(h - l)) {
            // a tensor that was zero on all calibration data (or unusable): any scale represents 0 exactly
            return new QuantParams(1f, 0);
        }
        float scale = (float) ((h - l) / (QMAX - QMIN));
        int zp = (int) Math.max(QMIN, Math.min(QMAX, Math.rint(QMIN - l / scale)));
        return new QuantParams(scale, zp);
    }

    /** QuantizeLinear's arithmetic (x / scale in float, round half to even, + zero point, saturate). */
    int quantize(float x) {
        double q = Math.rint(x / scale) + zeroPoint;
        return (int) Math.max(QMIN, Math.min(QMAX, q));
    }

    /** DequantizeLinear's arithmetic, in float. */
    float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }
}
