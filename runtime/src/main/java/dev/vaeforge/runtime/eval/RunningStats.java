package dev.vaeforge.runtime.eval;

/**
 * Mean, standard deviation, min and max of a stream of per-image values (Welford's algorithm, so
 * memory does not grow with the number of images and the variance does not cancel).
 */
public final class RunningStats implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
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

    /**
     * Adds every value {@code other} has seen, as if they had been added here (Chan, Golub and LeVeque's
     * pairwise update of the mean and the sum of squared deviations), so that statistics kept apart, e.g.
     * per partition of a Spark job, merge into those of one stream.
     */
    public void merge(RunningStats other) {
        long nb;
        double meanB;
        double m2B;
        double minB;
        double maxB;
        long infB;
        synchronized (other) {
            nb = other.count;
            meanB = other.mean;
            m2B = other.m2;
            minB = other.min;
            maxB = other.max;
            infB = other.infinite;
        }
        synchronized (this) {
            infinite += infB;
            min = Math.min(min, minB);
            max = Math.max(max, maxB);
            if (nb == 0) {
                return;
            }
            long n = count + nb;
            double d = meanB - mean;
            mean += d * nb / n;
            m2 += m2B + d * d * ((double) count * nb / n);
            count = n;
        }
    }

    public synchronized Summary summary() {
        return new Summary(count + infinite, count == 0 ? Double.NaN : mean,
                count < 2 ? 0 : Math.sqrt(m2 / count), min, max, infinite);
    }

    /** Mean and population std over the finite values; {@code infinite} values are only counted. */
    public record Summary(long count, double mean, double std, double min, double max, long infinite) {
    }
}
