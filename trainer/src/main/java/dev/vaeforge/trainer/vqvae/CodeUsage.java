package dev.vaeforge.trainer.vqvae;

/**
 * How a codebook is used: from the number of times each code was picked, the perplexity exp(H(p)) of
 * the usage distribution p_i = n_i / sum n (K when every code is used equally, 1 when one code takes
 * all) and the number of codes picked at least once.
 */
public record CodeUsage(double perplexity, int codesUsed, int codebookSize) {

    public static CodeUsage of(long[] counts) {
        long total = 0;
        int used = 0;
        for (long c : counts) {
            total += c;
            used += c > 0 ? 1 : 0;
        }
        if (total == 0) {
            return new CodeUsage(Double.NaN, 0, counts.length);
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return new CodeUsage(Math.exp(h), used, counts.length);
    }

    /** Counts of each code among {@code indices} (values in 0..k-1). */
    public static long[] count(long[] indices, int k) {
        long[] c = new long[k];
        for (long i : indices) {
            c[(int) i]++;
        }
        return c;
    }
}
