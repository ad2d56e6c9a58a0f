package dev.vaeforge.exporter;

import java.util.Random;

/** The random parity inputs: images uniform in [0, 1], latents N(0, s^2). */
public final class ParityInputs {
    private ParityInputs() {
    }

    public static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat();
        }
        return a;
    }

    public static float[] normal(Random r, int n) {
        return normal(r, n, 1f);
    }

    public static float[] normal(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }

    /** The number of values of a tensor of {@code shape}. */
    public static int count(long... shape) {
        long n = 1;
        for (long v : shape) {
            n *= v;
        }
        return Math.toIntExact(n);
    }
}
