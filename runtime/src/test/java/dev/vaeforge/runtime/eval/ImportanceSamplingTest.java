package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A linear-Gaussian decoder p(x|z) = N(Wz + b, sigma² I) with z ~ N(0, I) has the closed-form marginal
 * p(x) = N(b, W Wᵀ + sigma² I); the importance-sampled estimate must converge to it, the ELBO of the
 * same draws must stay below it, and the IWAE bound must rise towards it as K grows.
 */
class ImportanceSamplingTest {
    private static final int D = 2;
    private static final int P = 3;
    private static final double[][] W = {{1.0, -0.5}, {0.3, 0.8}, {-0.7, 0.2}};
    private static final double[] B = {0.1, -0.2, 0.4};
    private static final double SIGMA = 0.5;

    private static final ImportanceSampling.Decoder LINEAR = (z, images, draws, first) -> {
        int n = images * draws;
        float[] out = new float[n * P];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < P; p++) {
                double v = B[p];
                for (int j = 0; j < D; j++) {
                    v += W[p][j] * z[i * D + j];
                }
                out[i * P + p] = (float) v;
            }
        }
        return out;
    };
    private static final ImportanceSampling.PixelLikelihood GAUSSIAN =
            (x, xo, mean, o, size) -> LogLikelihood.gaussian(x, xo, mean, o, size, SIGMA);

    @Test
    void convergesToTheClosedFormMarginalWithinThreeStandardErrors() {
        float[] x = {0.9f, 0.2f, -0.6f, -0.4f, 0.5f, 1.1f};
        int n = 2;
        // a deliberately imperfect proposal: the exact posterior's mean shifted, its variance inflated
        float[] mu = new float[n * D];
        float[] logvar = new float[n * D];
        for (int i = 0; i < n; i++) {
            double[] post = posteriorMean(x, i * P);
            for (int j = 0; j < D; j++) {
                mu[i * D + j] = (float) (post[j] + 0.2);
                logvar[i * D + j] = (float) Math.log(0.5);
            }
        }
        ImportanceSampling.Estimate e = new ImportanceSampling(1000, 7, 256).estimate(x, n, P, mu, logvar, D, 0, LINEAR,
                GAUSSIAN, ImportanceSampling.STANDARD_NORMAL);
        for (int i = 0; i < n; i++) {
            double exact = exactLogMarginal(x, i * P);
            double diff = Math.abs(e.logLikelihood()[i] - exact);
            assertTrue(e.standardError()[i] > 0 && e.standardError()[i] < 0.05, "standard error " + e.standardError()[i]);
            assertTrue(diff < 3 * e.standardError()[i], "image " + i + ": estimate " + e.logLikelihood()[i] + ", exact "
                    + exact + ", 3 SE = " + 3 * e.standardError()[i]);
            assertTrue(e.elbo()[i] <= e.logLikelihood()[i], "the ELBO of the same draws is below the estimate");
            assertTrue(e.elbo()[i] < exact, "the ELBO is a lower bound");
        }
    }

    @Test
    void theIwaeBoundRisesTowardsTheMarginalAsKGrows() {
        float[] x = {0.9f, 0.2f, -0.6f};
        double[] post = posteriorMean(x, 0);
        float[] mu = {(float) (post[0] + 0.3), (float) (post[1] - 0.3)};
        float[] logvar = {(float) Math.log(0.3), (float) Math.log(0.3)};
        double exact = exactLogMarginal(x, 0);
        double previous = Double.NEGATIVE_INFINITY;
        for (int k : new int[] {1, 5, 50}) {
            // E[log mean of K weights], averaged over 400 independent repetitions
            double bound = 0;
            int reps = 400;
            for (int r = 0; r < reps; r++) {
                bound += new ImportanceSampling(k, 1000L * k + r, 64).estimate(x, 1, P, mu, logvar, D, 0, LINEAR, GAUSSIAN,
                        ImportanceSampling.STANDARD_NORMAL).logLikelihood()[0];
            }
            bound /= reps;
            assertTrue(bound > previous, "IWAE-" + k + " bound " + bound + " must exceed the previous " + previous);
            assertTrue(bound < exact + 0.01, "IWAE-" + k + " bound " + bound + " is a lower bound of " + exact);
            previous = bound;
        }
        assertEquals(exact, previous, 0.05, "IWAE-50 is close to log p(x)");
    }

    @Test
    void anImagesEstimateDoesNotDependOnBatchingOrChunking() {
        float[] x = {0.9f, 0.2f, -0.6f, -0.4f, 0.5f, 1.1f};
        float[] mu = {0.1f, 0.2f, -0.3f, 0.4f};
        float[] logvar = {-1f, -0.5f, 0f, -2f};
        ImportanceSampling.Estimate both = new ImportanceSampling(37, 3, 1000).estimate(x, 2, P, mu, logvar, D, 10, LINEAR,
                GAUSSIAN, ImportanceSampling.STANDARD_NORMAL);
        ImportanceSampling.Estimate second = new ImportanceSampling(37, 3, 5).estimate(slice(x, 3, 3), 1, P,
                slice(mu, 2, 2), slice(logvar, 2, 2), D, 11, LINEAR, GAUSSIAN, ImportanceSampling.STANDARD_NORMAL);
        assertEquals(both.logLikelihood()[1], second.logLikelihood()[0], 1e-12);
        assertEquals(both.elbo()[1], second.elbo()[0], 1e-12);
    }

    @Test
    void oneSampleIsTheSingleSampleElbo() {
        float[] x = {0.9f, 0.2f, -0.6f};
        ImportanceSampling.Estimate e = new ImportanceSampling(1, 5, 8).estimate(x, 1, P, new float[] {0.1f, -0.1f},
                new float[] {-1f, -1f}, D, 0, LINEAR, GAUSSIAN, ImportanceSampling.STANDARD_NORMAL);
        assertArrayEquals(e.elbo(), e.logLikelihood(), 1e-12);
    }

    // ---- the closed form ----

    private static double[] posteriorMean(float[] x, int off) {
        // Sigma_post = (I + WᵀW / s²)^-1, mu_post = Sigma_post Wᵀ (x - b) / s²
        double s2 = SIGMA * SIGMA;
        double[][] a = new double[D][D];
        double[] r = new double[D];
        for (int i = 0; i < D; i++) {
            a[i][i] = 1;
            for (int j = 0; j < D; j++) {
                for (int p = 0; p < P; p++) {
                    a[i][j] += W[p][i] * W[p][j] / s2;
                }
            }
            for (int p = 0; p < P; p++) {
                r[i] += W[p][i] * (x[off + p] - B[p]) / s2;
            }
        }
        return solve(a, r);
    }

    private static double exactLogMarginal(float[] x, int off) {
        double[][] c = new double[P][P];
        for (int i = 0; i < P; i++) {
            for (int j = 0; j < P; j++) {
                for (int k = 0; k < D; k++) {
                    c[i][j] += W[i][k] * W[j][k];
                }
            }
            c[i][i] += SIGMA * SIGMA;
        }
        double[] dx = new double[P];
        for (int p = 0; p < P; p++) {
            dx[p] = x[off + p] - B[p];
        }
        double[] sol = solve(copy(c), dx.clone());
        double quad = 0;
        for (int p = 0; p < P; p++) {
            quad += dx[p] * sol[p];
        }
        return -0.5 * (quad + Math.log(det(copy(c))) + P * Math.log(2 * Math.PI));
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int c = 0; c < n; c++) {
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    private static double det(double[][] a) {
        int n = a.length;
        double d = 1;
        for (int c = 0; c < n; c++) {
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
            d *= a[c][c];
        }
        return d;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static float[] slice(float[] a, int off, int size) {
        float[] out = new float[size];
        System.arraycopy(a, off, out, 0, size);
        return out;
    }
}
