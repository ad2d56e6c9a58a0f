package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.data.ImageShape;
import java.util.Random;

/** Seeded image pairs for the quality metric tests. */
final class TestImages {
    private TestImages() {
    }

    /** Pairs of images: noisy copies of uniform noise, and of a bright, nearly flat image (float32's worst case). */
    static float[][] pair(ImageShape s, int n, boolean brightFlat, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n * s.size()];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            int p = i % (s.height() * s.width());
            int y = p / s.width(), x = p % s.width();
            double v = brightFlat ? 0.9 + 0.05 * Math.sin(0.2 * x) * Math.cos(0.15 * y) + 0.005 * r.nextGaussian() : r.nextDouble();
            a[i] = clamp(v);
            b[i] = clamp(a[i] + (brightFlat ? 0.01 : 0.2) * r.nextGaussian());
        }
        return new float[][] {a, b};
    }

    private static float clamp(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }
}
