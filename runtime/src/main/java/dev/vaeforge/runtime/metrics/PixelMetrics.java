package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.data.ImageShape;

/**
 * Per-image MSE, PSNR and BCE of float CHW images in [0, 1], and KL of diagonal Gaussian posteriors
 * against N(0, I) (definitions in docs/ARCHITECTURE.md, Metrics). Plain Java, accumulated in double: these
 * are single passes over the data, so a graph would only add copies.
 */
public final class PixelMetrics {
    /** BCE clamps probabilities to [EPS, 1 - EPS] so that a confident wrong pixel costs ~16 nats, not infinity. */
    public static final double BCE_EPS = 1e-7;

    private PixelMetrics() {
    }

    /** Mean over pixels and channels of (x - xHat)^2, one value per image. */
    public static double[] mse(float[] x, float[] xHat, int n, ImageShape shape) {
        checkBatch("x", x, "xHat", xHat, n, shape.size());
        double[] out = new double[n];
        int size = shape.size();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = i * size, end = j + size; j < end; j++) {
                double d = (double) x[j] - xHat[j];
                sum += d * d;
            }
            out[i] = sum / size;
        }
        return out;
    }

    /**
     * 10 log10(1 / mse), for data range 1. Identical images (mse 0) give {@link Double#POSITIVE_INFINITY}:
     * PSNR is unbounded there; callers that average PSNR must decide what to do with it (report the
     * count of identical pairs, or exclude them), not get a silent large number.
     */
    public static double psnr(double mse) {
        if (!(mse >= 0)) {
            throw new IllegalArgumentException("MSE must be a non-negative number, got " + mse);
        }
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
    }

    /** PSNR per image; see {@link #psnr(double)} for identical images. */
    public static double[] psnr(float[] x, float[] xHat, int n, ImageShape shape) {
        double[] out = mse(x, xHat, n, shape);
        for (int i = 0; i < n; i++) {
            out[i] = psnr(out[i]);
        }
        return out;
    }

    /**
     * Mean over all values of the image (every pixel of every channel) of -(x log p + (1 - x) log(1 - p)),
     * with p clamped to [{@value #BCE_EPS}, 1 - {@value #BCE_EPS}]. {@code x} is the target, {@code p} the
     * predicted Bernoulli mean.
     */
    public static double[] bce(float[] x, float[] p, int n, ImageShape shape) {
        checkBatch("x", x, "p", p, n, shape.size());
        double[] out = new double[n];
        int size = shape.size();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = i * size, end = j + size; j < end; j++) {
                double q = Math.min(Math.max(p[j], BCE_EPS), 1 - BCE_EPS);
                sum -= x[j] * Math.log(q) + (1 - (double) x[j]) * Math.log(1 - q);
            }
            out[i] = sum / size;
        }
        return out;
    }

    /**
     * KL(N(mu, exp(logvar)) || N(0, I)) = sum over the {@code dim} latent dimensions of
     * 0.5 (mu^2 + exp(logvar) - logvar - 1), one value per image; {@code mu} and {@code logvar} are [n, dim].
     */
    public static double[] kl(float[] mu, float[] logvar, int n, int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("latent dimension must be at least 1, got " + dim);
        }
        checkBatch("mu", mu, "logvar", logvar, n, dim);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = i * dim, end = j + dim; j < end; j++) {
                double m = mu[j], lv = logvar[j];
                sum += 0.5 * (m * m + Math.exp(lv) - lv - 1);
            }
            out[i] = sum;
        }
        return out;
    }

    private static void checkBatch(String nameA, float[] a, String nameB, float[] b, int n, int per) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + n);
        }
        long expected = (long) n * per;
        if (a.length != expected || b.length != expected) {
            throw new IllegalArgumentException(nameA + " and " + nameB + " must hold " + n + " x " + per + " = " + expected
                    + " floats, got " + a.length + " and " + b.length);
        }
    }
}
