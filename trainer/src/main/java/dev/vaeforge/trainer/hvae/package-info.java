/**
 * A two-level hierarchical VAE with Ladder-VAE inference (Sønderby et al., NeurIPS 2016): a bottom-up
 * deterministic pass, a top-down pass whose prior p(z1|z2) is combined with the bottom-up estimate by
 * precision weighting into q(z1|z2, x), and the generative path p(z2) p(z1|z2) p(x|z1). Its bundles carry
 * a latent of {@code kind: levels} (docs/BUNDLE.md).
 */
package dev.vaeforge.trainer.hvae;
