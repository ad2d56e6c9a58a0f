package dev.vaeforge.runtime.ops;

/**
 * q(z|x) for a batch: the Gaussian's means and log-variances, [n, dim] row-major, and where the bundle
 * has a flow posterior ({@code posterior_flow}) the flow that maps a draw z_0 ~ N(mu, diag exp(logvar))
 * of image i to z_K, with log q_K(z_K|x) = log q_0(z_0|x) - log det; null for a plain Gaussian.
 */
public record Posterior(float[] mu, float[] logvar, int n, int dim, Flow flow) {

    /** A Gaussian posterior. */
    public Posterior(float[] mu, float[] logvar, int n, int dim) {
        this(mu, logvar, n, dim, null);
    }

    /** A flow posterior's steps with each image's context bound. */
    @FunctionalInterface
    public interface Flow {
        /**
         * @param z0 rows [images.length, dim] of base draws
         * @param images for each row, the index of its image in this batch (0..n-1)
         */
        Flowed apply(float[] z0, int[] images);
    }

    /** z_K [rows, dim] and log |det dz_K/dz_0| [rows]. */
    public record Flowed(float[] z, float[] logDet) {
    }

    public boolean hasFlow() {
        return flow != null;
    }

    /**
     * Each image's point latent: mu, or for a flow posterior z_K of the base mean, flow(z_0 = mu) (the
     * image of q_0's mean under the flow; not E_q[z_K], which has no closed form).
     */
    public float[] means() {
        if (flow == null) {
            return mu;
        }
        int[] images = new int[n];
        for (int i = 0; i < n; i++) {
            images[i] = i;
        }
        return flow.apply(mu, images).z();
    }
}
