package dev.vaeforge.runtime.eval;

/** log p(x|z) summed over pixels and channels, per image, for the bundle's likelihood. */
final class LogLikelihood {
    private static final double EPS = 1e-7;

    private LogLikelihood() {
    }

    /** Bernoulli: sum x log p + (1 - x) log(1 - p), p clamped to [1e-7, 1 - 1e-7] as for BCE. */
    static double bernoulli(float[] x, float[] p, int offset, int size) {
        return bernoulli(x, offset, p, offset, size);
    }

    /** As {@link #bernoulli(float[], float[], int, int)} with the image and its probabilities at their own offsets. */
    static double bernoulli(float[] x, int xOffset, float[] p, int pOffset, int size) {
        double s = 0;
        for (int i = 0; i < size; i++) {
            double q = Math.min(1 - EPS, Math.max(EPS, p[pOffset + i]));
            float v = x[xOffset + i];
            s += v * Math.log(q) + (1 - v) * Math.log(1 - q);
        }
        return s;
    }

    /** Gaussian with fixed sigma: -sum (x - mu)^2 / (2 sigma^2) + 0.5 log(2 pi sigma^2). */
    static double gaussian(float[] x, float[] mu, int offset, int size, double sigma) {
        return gaussian(x, offset, mu, offset, size, sigma);
    }

    /** As {@link #gaussian(float[], float[], int, int, double)} with the image and the means at their own offsets. */
    static double gaussian(float[] x, int xOffset, float[] mu, int muOffset, int size, double sigma) {
        double s = 0;
        for (int i = 0; i < size; i++) {
            double d = x[xOffset + i] - mu[muOffset + i];
            s += d * d;
        }
        return -s / (2 * sigma * sigma) - 0.5 * size * Math.log(2 * Math.PI * sigma * sigma);
    }
}
