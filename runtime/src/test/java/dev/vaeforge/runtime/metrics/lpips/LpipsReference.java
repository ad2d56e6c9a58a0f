package dev.vaeforge.runtime.metrics.lpips;

import dev.vaeforge.runtime.metrics.lpips.LpipsWeights.ConvSpec;

/**
 * LPIPS-AlexNet v0.1 written out as plain loops in double precision, independent of the graph
 * builder, so the ONNX graph has something to be wrong against. One image is {@code [3][H][W]}
 * flattened, values in [-1,1].
 */
final class LpipsReference {
    private static final double[] SHIFT = {-0.030, -0.088, -0.188};
    private static final double[] SCALE = {0.458, 0.448, 0.450};

    private LpipsReference() {
    }

    /** A feature map: {@code c} channels of {@code h x w}, channel-major. */
    record Map3(int c, int h, int w, double[] v) {
        double at(int ch, int y, int x) {
            return v[(ch * h + y) * w + x];
        }
    }

    static double distance(LpipsWeights wts, float[] a, float[] b, int h, int w) {
        Map3[] fa = features(wts, scaled(a, h, w));
        Map3[] fb = features(wts, scaled(b, h, w));
        double total = 0;
        for (int layer = 0; layer < fa.length; layer++) {
            Map3 na = normalised(fa[layer]);
            Map3 nb = normalised(fb[layer]);
            float[] lin = wts.linWeight(layer);
            double sum = 0;
            for (int y = 0; y < na.h(); y++) {
                for (int x = 0; x < na.w(); x++) {
                    double weighted = 0;
                    for (int c = 0; c < na.c(); c++) {
                        double d = na.at(c, y, x) - nb.at(c, y, x);
                        weighted += lin[c] * d * d;
                    }
                    sum += weighted;
                }
            }
            total += sum / (na.h() * na.w());
        }
        return total;
    }

    private static Map3 scaled(float[] img, int h, int w) {
        double[] v = new double[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                v[c * h * w + i] = (img[c * h * w + i] - SHIFT[c]) / SCALE[c];
            }
        }
        return new Map3(3, h, w, v);
    }

    /** relu1 .. relu5 of torchvision's AlexNet features. */
    private static Map3[] features(LpipsWeights wts, Map3 x) {
        Map3[] taps = new Map3[5];
        Map3 h = x;
        for (int i = 0; i < 5; i++) {
            if (i == 1 || i == 2) {
                h = maxPool3s2(h);
            }
            h = relu(conv(h, LpipsWeights.CONVS.get(i), wts.convWeight(i), wts.convBias(i)));
            taps[i] = h;
        }
        return taps;
    }

    static Map3 conv(Map3 in, ConvSpec s, float[] weight, float[] bias) {
        int k = s.kernel();
        int oh = (in.h() + 2 * s.pad() - k) / s.stride() + 1;
        int ow = (in.w() + 2 * s.pad() - k) / s.stride() + 1;
        double[] out = new double[s.out() * oh * ow];
        for (int o = 0; o < s.out(); o++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double acc = bias[o];
                    for (int c = 0; c < s.in(); c++) {
                        for (int ky = 0; ky < k; ky++) {
                            int iy = y * s.stride() - s.pad() + ky;
                            if (iy < 0 || iy >= in.h()) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = x * s.stride() - s.pad() + kx;
                                if (ix >= 0 && ix < in.w()) {
                                    acc += weight[((o * s.in() + c) * k + ky) * k + kx] * in.at(c, iy, ix);
                                }
                            }
                        }
                    }
                    out[(o * oh + y) * ow + x] = acc;
                }
            }
        }
        return new Map3(s.out(), oh, ow, out);
    }

    private static Map3 relu(Map3 m) {
        double[] v = m.v().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, v[i]);
        }
        return new Map3(m.c(), m.h(), m.w(), v);
    }

    static Map3 maxPool3s2(Map3 m) {
        int oh = (m.h() - 3) / 2 + 1;
        int ow = (m.w() - 3) / 2 + 1;
        double[] out = new double[m.c() * oh * ow];
        for (int c = 0; c < m.c(); c++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            max = Math.max(max, m.at(c, 2 * y + dy, 2 * x + dx));
                        }
                    }
                    out[(c * oh + y) * ow + x] = max;
                }
            }
        }
        return new Map3(m.c(), oh, ow, out);
    }

    private static Map3 normalised(Map3 m) {
        double[] v = new double[m.v().length];
        for (int y = 0; y < m.h(); y++) {
            for (int x = 0; x < m.w(); x++) {
                double sq = 0;
                for (int c = 0; c < m.c(); c++) {
                    sq += m.at(c, y, x) * m.at(c, y, x);
                }
                double norm = Math.sqrt(sq) + 1e-10;
                for (int c = 0; c < m.c(); c++) {
                    v[(c * m.h() + y) * m.w() + x] = m.at(c, y, x) / norm;
                }
            }
        }
        return new Map3(m.c(), m.h(), m.w(), v);
    }
}
