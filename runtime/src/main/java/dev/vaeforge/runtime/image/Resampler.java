package dev.vaeforge.runtime.image;

/**
 * Separable resampling with precomputed weights per axis: area averaging when an axis shrinks (each
 * output pixel is the mean of the source area it covers, fractional pixels weighted by overlap), and
 * bilinear interpolation with pixel centres aligned and edges clamped when an axis grows (the
 * convention of PIL and OpenCV's {@code INTER_LINEAR}).
 */
final class Resampler {
    private final int[] first;
    private final int[] taps;
    private final float[] weights;
    private final int stride;

    private Resampler(int[] first, int[] taps, float[] weights, int stride) {
        this.first = first;
        this.taps = taps;
        this.weights = weights;
        this.stride = stride;
    }

    /** Weights for one axis of {@code in} pixels resampled to {@code out}. */
    static Resampler axis(int in, int out) {
        return out < in ? area(in, out) : bilinear(in, out);
    }

    private static Resampler area(int in, int out) {
        double scale = (double) in / out;
        int stride = (int) Math.ceil(scale) + 1;
        int[] first = new int[out];
        int[] taps = new int[out];
        float[] weights = new float[out * stride];
        for (int j = 0; j < out; j++) {
            double lo = j * scale;
            double hi = Math.min(in, (j + 1) * scale);
            int i0 = (int) Math.floor(lo);
            int i1 = Math.min(in, (int) Math.ceil(hi));
            first[j] = i0;
            taps[j] = i1 - i0;
            for (int i = i0; i < i1; i++) {
                double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                weights[j * stride + i - i0] = (float) (overlap / (hi - lo));
            }
        }
        return new Resampler(first, taps, weights, stride);
    }

    private static Resampler bilinear(int in, int out) {
        int[] first = new int[out];
        int[] taps = new int[out];
        float[] weights = new float[out * 2];
        double scale = (double) in / out;
        for (int j = 0; j < out; j++) {
            double src = (j + 0.5) * scale - 0.5;
            int i0 = (int) Math.floor(src);
            double t = src - i0;
            if (i0 < 0) {
                i0 = 0;
                t = 0;
            }
            if (i0 >= in - 1) {
                i0 = in - 1;
                t = 0;
            }
            first[j] = i0;
            taps[j] = t == 0 ? 1 : 2;
            weights[j * 2] = (float) (1 - t);
            weights[j * 2 + 1] = (float) t;
        }
        return new Resampler(first, taps, weights, 2);
    }

    /** Resamples every row of every channel: {@code [c][h][inW] -> [c][h][outW]}. */
    float[] rows(float[] src, int channels, int height, int inWidth, int outWidth) {
        float[] dst = new float[channels * height * outWidth];
        for (int r = 0; r < channels * height; r++) {
            int s = r * inWidth;
            int d = r * outWidth;
            for (int j = 0; j < outWidth; j++) {
                float acc = 0;
                int base = j * stride;
                for (int k = 0; k < taps[j]; k++) {
                    acc += weights[base + k] * src[s + first[j] + k];
                }
                dst[d + j] = acc;
            }
        }
        return dst;
    }

    /** Resamples every column of every channel: {@code [c][inH][w] -> [c][outH][w]}. */
    float[] columns(float[] src, int channels, int inHeight, int width, int outHeight) {
        float[] dst = new float[channels * outHeight * width];
        for (int c = 0; c < channels; c++) {
            int sc = c * inHeight * width;
            int dc = c * outHeight * width;
            for (int j = 0; j < outHeight; j++) {
                int d = dc + j * width;
                int base = j * stride;
                for (int k = 0; k < taps[j]; k++) {
                    float w = weights[base + k];
                    int s = sc + (first[j] + k) * width;
                    for (int x = 0; x < width; x++) {
                        dst[d + x] += w * src[s + x];
                    }
                }
            }
        }
        return dst;
    }
}
