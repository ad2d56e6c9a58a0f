package dev.vaeforge.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * One batch's loss as scalars, each the mean over the batch's images, in nats per image. The loop
 * differentiates {@code total} and logs the others.
 *
 * @param total the family's objective (the negative ELBO for a VAE; recon + beta * KL for a beta-VAE)
 * @param reconstruction -log p(x|z), summed over pixels and channels
 * @param kl KL(q(z|x) || p(z)), summed over latent dimensions (the true KL, before any free-bits floor)
 * @param klPerDim [D]: KL of each latent dimension, mean over the batch; null for families without a
 *     Gaussian latent vector. Dimensions whose KL stays near 0 carry no information (posterior collapse)
 * @param codes [N, h, w] int64: the codebook index of every latent position (vqvae), for code usage
 *     (perplexity, codes used); null for the other families
 */
public record LossTerms(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim, NDArray codes) {
    public LossTerms(NDArray total, NDArray reconstruction, NDArray kl) {
        this(total, reconstruction, kl, null, null);
    }

    public LossTerms(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim) {
        this(total, reconstruction, kl, klPerDim, null);
    }
}
