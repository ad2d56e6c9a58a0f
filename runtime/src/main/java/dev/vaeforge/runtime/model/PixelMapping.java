package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;

/**
 * Between the runtime's images (float, [0, 1]) and a bundle's graphs: image inputs are mapped linearly
 * to the manifest's {@code image.pixelRange} [lo, hi], and a decoder's reconstruction is read as pixels
 * according to its {@code values}: probabilities as they are, logits through a sigmoid, pixels in
 * [lo, hi] mapped back to [0, 1] and clipped there (as an image writer would). For [0, 1] bundles with
 * probability outputs (all that format 1 holds) both directions are the identity, so the numbers of
 * older bundles do not move.
 */
public final class PixelMapping {
    private final double lo;
    private final double hi;

    public PixelMapping(double lo, double hi) {
        if (!(lo < hi)) {
            throw new IllegalArgumentException("pixel range needs lo < hi, got [" + lo + ", " + hi + "]");
        }
        this.lo = lo;
        this.hi = hi;
    }

    public static PixelMapping of(Manifest.Image image) {
        double[] r = image.pixelRange();
        return new PixelMapping(r[0], r[1]);
    }

    public boolean identity() {
        return lo == 0 && hi == 1;
    }

    /** {@code pixels} in [0, 1] as the graphs' image input; the same array when the range is [0, 1]. */
    public float[] toGraph(float[] pixels) {
        if (identity()) {
            return pixels;
        }
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (lo + (hi - lo) * pixels[i]);
        }
        return out;
    }

    /** A reconstruction of the given {@code values} kind as pixels in [0, 1], in place; returns {@code out}. */
    public float[] fromReconstruction(float[] out, String values) {
        switch (values) {
            case TensorRole.VALUES_PROBABILITIES -> {
                // already pixel probabilities / means in [0, 1]
            }
            case TensorRole.VALUES_LOGITS -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) (1 / (1 + Math.exp(-out[i])));
                }
            }
            case TensorRole.VALUES_PIXELS -> {
                for (int i = 0; i < out.length; i++) {
                    double v = (out[i] - lo) / (hi - lo);
                    out[i] = (float) Math.min(1, Math.max(0, v));
                }
            }
            default -> throw new IllegalArgumentException("unknown reconstruction values '" + values + "', expected one of "
                    + TensorRole.RECONSTRUCTION_VALUES);
        }
        return out;
    }
}
