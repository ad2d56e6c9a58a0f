/**
 * VQ-VAE (van den Oord et al. 2017, "Neural Discrete Representation Learning"): {@link
 * dev.vaeforge.trainer.vqvae.VqVae} (convolutional encoder to a grid of D-dimensional vectors, {@link
 * dev.vaeforge.trainer.vqvae.VectorQuantizer} with the straight-through estimator, EMA codebook updates
 * ({@link dev.vaeforge.trainer.vqvae.EmaCodebook}) and dead-code restarts, convolutional decoder) and its
 * loss {@link dev.vaeforge.trainer.vqvae.VqVaeLoss}.
 * The config record is {@code VqVaeConfig}, the plug-in {@code VqVaeFamily}.
 */
package dev.vaeforge.trainer.vqvae;
