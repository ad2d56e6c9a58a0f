package dev.vaeforge.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * One batch's loss as scalars, each the mean over the batch's images, in nats per image. The loop
 * differentiates {@code total} and logs all three.
 *
 * @param total reconstruction + regulariser = the negative ELBO for a VAE
 * @param reconstruction -log p(x|z), summed over pixels and channels
 * @param kl KL(q(z|x) || p(z)), summed over latent dimensions
 */
public record LossTerms(NDArray total, NDArray reconstruction, NDArray kl) {
}
