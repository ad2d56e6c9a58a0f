package dev.vaeforge.trainer.vqvae;

/**
 * The exponential-moving-average codebook update of van den Oord et al. 2017 (appendix A.1), with the
 * Laplace smoothing of the cluster sizes used by Sonnet's {@code VectorQuantizerEMA}. For code i with
 * n_i encoder outputs assigned in this batch, summing to s_i:
 * <pre>
 *   N_i &lt;- gamma N_i + (1 - gamma) n_i
 *   m_i &lt;- gamma m_i + (1 - gamma) s_i
 *   N'_i = (N_i + eps) / (sum_j N_j + K eps) * sum_j N_j      (Laplace smoothing: no division by 0)
 *   e_i  = m_i / N'_i
 * </pre>
 * Arithmetic in double, stored as float, on plain arrays: the state is small (K + K*D floats) and this
 * keeps the update deterministic and testable by hand.
 */
public final class EmaCodebook {
    private EmaCodebook() {
    }

    /**
     * Updates {@code clusterSize} [K] and {@code embedSum} [K*D] in place and returns the new codebook
     * [K*D], row-major.
     *
     * @param counts n_i [K], encoder outputs assigned to each code in this batch
     * @param sums s_i [K*D], their sums
     */
    public static float[] update(float[] clusterSize, float[] embedSum, float[] counts, float[] sums,
                                 double decay, double epsilon) {
        int k = clusterSize.length;
        int d = embedSum.length / k;
        if (counts.length != k || sums.length != k * d || embedSum.length != k * d) {
            throw new IllegalArgumentException("EMA state and batch statistics disagree in shape");
        }
        double total = 0;
        for (int i = 0; i < k; i++) {
            clusterSize[i] = (float) (decay * clusterSize[i] + (1 - decay) * counts[i]);
            total += clusterSize[i];
        }
        float[] codebook = new float[k * d];
        for (int i = 0; i < k; i++) {
            double smoothed = (clusterSize[i] + epsilon) / (total + k * epsilon) * total;
            for (int j = 0; j < d; j++) {
                int at = i * d + j;
                embedSum[at] = (float) (decay * embedSum[at] + (1 - decay) * sums[at]);
                codebook[at] = (float) (embedSum[at] / smoothed);
            }
        }
        return codebook;
    }
}
