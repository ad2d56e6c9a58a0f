package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.data.ImageShape;

/**
 * Plain double-precision SSIM and GMSD, written as directly as the definitions read (2-D 11x11 window,
 * no tricks), to check the float32 graphs against. Slow on purpose: clarity is the point.
 */
final class ReferenceQuality {
    private ReferenceQuality() {
    }

    /** SSIM of image {@code index} of a batch against the same image of the other batch. */
    static double ssim(float[] a, float[] b, int index, ImageShape s) {
        double[] g = QualityConstants.ssimGaussian();
        int k = g.length;
        int h = s.height(), w = s.width(), ho = h - k + 1, wo = w - k + 1;
        double total = 0;
        for (int c = 0; c < s.channels(); c++) {
            int base = index * s.size() + c * h * w;
            double sum = 0;
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            double wt = g[u] * g[v];
                            double x = a[base + (i + u) * w + j + v], y = b[base + (i + u) * w + j + v];
                            mx += wt * x;
                            my += wt * y;
                            xx += wt * x * x;
                            yy += wt * y * y;
                            xy += wt * x * y;
                        }
                    }
                    double vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my;
                    double c1 = QualityConstants.SSIM_C1, c2 = QualityConstants.SSIM_C2;
                    sum += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                }
            }
            total += sum / (ho * wo);
        }
        return total / s.channels();
    }

    /** GMSD of image {@code index} of a batch against the same image of the other batch (metric_ref.py). */
    static double gmsd(float[] a, float[] b, int index, ImageShape s) {
        double[][] ma = gradientMagnitude(pooledGray(a, index, s));
        double[][] mb = gradientMagnitude(pooledGray(b, index, s));
        int h = ma.length, w = ma[0].length;
        double[] gms = new double[h * w];
        double mean = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double x = ma[i][j], y = mb[i][j];
                gms[i * w + j] = (2 * x * y + QualityConstants.GMSD_C) / (x * x + y * y + QualityConstants.GMSD_C);
                mean += gms[i * w + j];
            }
        }
        mean /= gms.length;
        double var = 0;
        for (double v : gms) {
            var += (v - mean) * (v - mean);
        }
        return Math.sqrt(var / gms.length);
    }

    private static double[][] pooledGray(float[] x, int index, ImageShape s) {
        int h = s.height(), w = s.width(), hp = (h + 1) / 2, wp = (w + 1) / 2;
        double[][] gray = new double[2 * hp][2 * wp];
        for (int c = 0; c < s.channels(); c++) {
            double wc = s.channels() == 1 ? 1 : QualityConstants.GMSD_GRAY_WEIGHTS[c];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    gray[i][j] += wc * x[index * s.size() + (c * h + i) * w + j];
                }
            }
        }
        double[][] pooled = new double[hp][wp];
        for (int i = 0; i < hp; i++) {
            for (int j = 0; j < wp; j++) {
                pooled[i][j] = (gray[2 * i][2 * j] + gray[2 * i][2 * j + 1] + gray[2 * i + 1][2 * j] + gray[2 * i + 1][2 * j + 1]) / 4;
            }
        }
        return pooled;
    }

    private static double[][] gradientMagnitude(double[][] y) {
        int h = y.length, w = y[0].length;
        double[][] m = new double[h][w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double gx = 0, gy = 0;
                for (int d = -1; d <= 1; d++) {
                    gx += at(y, i + d, j + 1) - at(y, i + d, j - 1);
                    gy += at(y, i + 1, j + d) - at(y, i - 1, j + d);
                }
                m[i][j] = Math.hypot(gx / 3, gy / 3);
            }
        }
        return m;
    }

    private static double at(double[][] y, int i, int j) {
        return i < 0 || j < 0 || i >= y.length || j >= y[0].length ? 0 : y[i][j];
    }
}
