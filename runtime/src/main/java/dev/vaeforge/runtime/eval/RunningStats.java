package dev.vaeforge.runtime.eval;

/**
 * Mean, standard deviation, min and max of a stream of per-image values (Welford's algorithm, so
 * memory does not grow with the number of images and the variance does not cancel).
 */
public final class RunningStats {
    private long count;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long infinite;

    /** Adds one value; +/-infinity is counted separately (PSNR of identical images) and kept out of the mean. */
    public synchronized void add(double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("metric value is NaN");
        }
        if (Double.isInfinite(v)) {
            infinite++;
            max = Math.max(max, v);
            min = Math.min(min, v);
            return;
        }
        count++;
        double d = v - mean;
        mean += d / count;
        m2 += d * (v - mean);
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    public synchronized Summary summary() {
        return new Summary(count + infinite, count == 0 ? Double.NaN : mean,
                count < 2 ? 0 : Math.sqrt(m2 / count), min, max, infinite);
    }

    /** Mean and population std over the finite values; {@code infinite} values are only counted. */
    public record Summary(long count, double mean, double std, double min, double max, long infinite) {
    }
}
