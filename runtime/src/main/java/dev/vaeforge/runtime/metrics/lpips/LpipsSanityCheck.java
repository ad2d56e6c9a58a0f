package dev.vaeforge.runtime.metrics.lpips;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Checks that a graph behaves like a perceptual distance before it is installed, on images made
 * here (no files needed): a 64x64 RGB scene of smooth gradients, discs and bars with a little
 * seeded noise, against itself, a slightly blurred copy (Gaussian, sigma 0.8) and a blurred copy
 * (sigma 2.5). A graph passes when the identical pair gives 0 (|d| at most {@link #ZERO}), both
 * blurred pairs give a finite positive distance, the stronger blur gives the larger one, and
 * swapping the two images of a pair gives the same distance (to 1e-4 relative; LPIPS runs both
 * images through the same network). Real
 * LPIPS graphs pass with a wide margin (LPIPS-AlexNet v0.1: 0.032 and 0.178; SqueezeNet 0.067 and 0.283); a graph that
 * ignores its inputs, adds an offset or is not a distance fails.
 */
public final class LpipsSanityCheck {
    /** The largest |d| accepted for two identical images (float32 rounding in a real graph is 0 exactly). */
    static final double ZERO = 1e-6;
    static final int SIDE = 64;
    static final double SLIGHT_SIGMA = 0.8;
    static final double STRONG_SIGMA = 2.5;

    /** The three distances measured; {@link #passed()} says whether they look like LPIPS. */
    public record Result(double identical, double slightBlur, double strongBlur, double strongBlurSwapped) {
        public boolean passed() {
            return Math.abs(identical) <= ZERO && Double.isFinite(slightBlur) && Double.isFinite(strongBlur)
                    && slightBlur > ZERO && strongBlur > slightBlur
                    && Math.abs(strongBlurSwapped - strongBlur) <= 1e-4 * Math.max(strongBlur, 1e-3);
        }

        /** e.g. {@code identical 0, slight blur (sigma 0.8) 0.0321, strong blur (sigma 2.5) 0.178, swapped 0.178}. */
        public String describe() {
            return String.format(Locale.ROOT, "identical %.3g, slight blur (sigma %.1f) %.4g, strong blur (sigma %.1f) %.4g,"
                    + " swapped %.4g", identical, SLIGHT_SIGMA, slightBlur, STRONG_SIGMA, strongBlur, strongBlurSwapped);
        }
    }

    private LpipsSanityCheck() {
    }

    /** Measures the three pairs in one batch. */
    public static Result measure(LpipsModel model) {
        ImageShape shape = new ImageShape(3, SIDE, SIDE);
        float[] x = scene(shape, 20261202L);
        float[] slight = blur(x, shape, SLIGHT_SIGMA);
        float[] strong = blur(x, shape, STRONG_SIGMA);
        int per = shape.size();
        float[] a = new float[4 * per];
        float[] b = new float[4 * per];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(x, 0, a, i * per, per);
        }
        System.arraycopy(strong, 0, a, 3 * per, per);
        System.arraycopy(x, 0, b, 0, per);
        System.arraycopy(slight, 0, b, per, per);
        System.arraycopy(strong, 0, b, 2 * per, per);
        System.arraycopy(x, 0, b, 3 * per, per);
        double[] d = model.distance(a, b, 4, shape);
        return new Result(d[0], d[1], d[2], d[3]);
    }

    /** Measures and refuses a graph that fails, naming the file and the values found. */
    public static Result require(LpipsModel model) {
        Result r = measure(model);
        if (!r.passed()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, model.file() + ": does not behave like LPIPS on "
                    + "the sanity images: " + r.describe() + "; expected 0 for identical images and a larger distance for "
                    + "the stronger blur");
        }
        return r;
    }

    /** A deterministic test scene in [0,1], CHW. */
    static float[] scene(ImageShape shape, long seed) {
        int h = shape.height();
        int w = shape.width();
        float[] out = new float[shape.size()];
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] discs = new double[6][];
        for (int i = 0; i < discs.length; i++) {
            discs[i] = new double[] {rnd.nextDouble() * w, rnd.nextDouble() * h, 4 + rnd.nextDouble() * 10,
                rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] rgb = {0.5 + 0.4 * Math.sin(x * 0.15), 0.5 + 0.4 * Math.cos(y * 0.11), (double) (x + y) / (w + h)};
                if ((x / 6) % 2 == 0 && y > h * 3 / 4) {
                    rgb = new double[] {0.95, 0.95, 0.1};
                }
                for (double[] d : discs) {
                    if (Math.hypot(x - d[0], y - d[1]) < d[2]) {
                        rgb = new double[] {d[3], d[4], d[5]};
                    }
                }
                for (int c = 0; c < 3; c++) {
                    double v = rgb[c] + 0.03 * (rnd.nextDouble() - 0.5);
                    out[(c * h + y) * w + x] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        return out;
    }

    /** Separable Gaussian blur, edges clamped. */
    static float[] blur(float[] img, ImageShape shape, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        int h = shape.height();
        int w = shape.width();
        float[] tmp = new float[img.length];
        float[] out = new float[img.length];
        for (int c = 0; c < shape.channels(); c++) {
            int base = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int i = -radius; i <= radius; i++) {
                        acc += k[i + radius] * img[base + y * w + Math.min(w - 1, Math.max(0, x + i))];
                    }
                    tmp[base + y * w + x] = (float) acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int i = -radius; i <= radius; i++) {
                        acc += k[i + radius] * tmp[base + Math.min(h - 1, Math.max(0, y + i)) * w + x];
                    }
                    out[base + y * w + x] = (float) acc;
                }
            }
        }
        return out;
    }
}
