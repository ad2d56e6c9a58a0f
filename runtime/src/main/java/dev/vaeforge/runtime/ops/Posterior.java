package dev.vaeforge.runtime.ops;

/** q(z|x) for a batch: means and log-variances, [n, dim] row-major. */
public record Posterior(float[] mu, float[] logvar, int n, int dim) {
}
