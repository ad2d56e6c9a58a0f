/**
 * Flow posteriors: q_K(z_K|x) as the encoder's diagonal Gaussian q_0(z_0|x) pushed through K invertible
 * steps ({@link dev.vaeforge.trainer.posterior.PosteriorSpec}). {@link
 * dev.vaeforge.trainer.posterior.PosteriorFlow} is the DJL block (z_0, context) -> (z_K, log det), its
 * two kinds {@link dev.vaeforge.trainer.posterior.PlanarFlow} and {@link
 * dev.vaeforge.trainer.posterior.InverseAutoregressiveFlow}; the context is a linear head on the
 * encoder's features that the model block owns. docs/decisions/0019-flow-posteriors.md has the design.
 */
package dev.vaeforge.trainer.posterior;
