package dev.vaeforge.runtime.quantize;

/**
 * The range of one tensor over all calibration batches. Min-max needs one pass; the percentile method
 * a second pass that fills a histogram over the first pass's range.
 */
final class RangeCollector {
    static final int BINS = 4096;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long[] histogram;
    private long count;

    void observeRange(float[] v) {
        for (float x : v) {
            if (x < min) {
                min = x;
            }
            if (x > max) {
                max = x;
            }
        }
    }

    void observeHistogram(float[] v) {
        if (histogram == null) {
            histogram = new long[BINS];
        }
        double width = (max - min) / BINS;
        for (float x : v) {
            int b = width > 0 ? (int) Math.min(BINS - 1, Math.max(0, (x - min) / width)) : 0;
            histogram[b]++;
        }
        count += v.length;
    }

    boolean seen() {
        return min <= max;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    /** [lo, hi]: the (100 − p)-th and p-th percentiles from the histogram (bin edges, outward). */
    double[] percentileRange(double p) {
        if (histogram == null || count == 0) {
            return new double[] {min, max};
        }
        double width = (max - min) / BINS;
        long lowCount = (long) Math.floor(count * (100 - p) / 100);
        long highCount = (long) Math.ceil(count * p / 100);
        long acc = 0;
        double lo = min;
        double hi = max;
        boolean loSet = false;
        for (int b = 0; b < BINS; b++) {
            acc += histogram[b];
            if (!loSet && acc > lowCount) {
                lo = min + b * width;
                loSet = true;
            }
            if (acc >= highCount) {
                hi = min + (b + 1) * width;
                break;
            }
        }
        return new double[] {lo, Math.min(hi, max)};
    }
}
