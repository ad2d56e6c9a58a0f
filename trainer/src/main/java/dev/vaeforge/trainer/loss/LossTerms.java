package dev.vaeforge.trainer.loss;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param networks for a family of several networks trained adversarially (vaegan): each network's own
 *     loss (a scalar) by network name, in the order the step differentiates them; every parameter
 *     receives the gradient of its network's loss only, and each network has its own optimiser. Empty
 *     for the families with one objective, whose parameters all follow {@code total}
 * @param extras further batch-mean scalars the family logs per epoch (vaegan: the discriminator's
 *     losses), by name; empty for most families
 */
public record LossTerms(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim, NDArray codes,
                        Map<String, NDArray> networks, Map<String, NDArray> extras) {
    public LossTerms {
        networks = networks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        extras = extras == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    public LossTerms(NDArray total, NDArray reconstruction, NDArray kl) {
        this(total, reconstruction, kl, null, null);
    }

    public LossTerms(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim) {
        this(total, reconstruction, kl, klPerDim, null);
    }

    public LossTerms(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim, NDArray codes) {
        this(total, reconstruction, kl, klPerDim, codes, null, null);
    }
}
