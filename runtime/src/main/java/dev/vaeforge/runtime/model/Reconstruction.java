package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.ops.Posterior;

/**
 * Reconstructions of a batch in [0, 1] with what the latent head saw on the way: the Gaussian
 * posterior q(z|x) (null for a code grid) or the chosen codes [n, positions] (null for a Gaussian latent).
 */
public record Reconstruction(float[] pixels, Posterior posterior, long[] codes) {
}
