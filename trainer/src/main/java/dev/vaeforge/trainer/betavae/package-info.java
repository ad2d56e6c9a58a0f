/**
 * beta-VAE (Higgins et al. 2017): the plain VAE's block ({@code ConvVae}) with {@link
 * dev.vaeforge.trainer.betavae.BetaVaeLoss}, reconstruction + beta * KL with a KL schedule (constant,
 * linear warm-up, cyclical annealing) and optional free bits. The config record is
 * {@code dev.vaeforge.trainer.betavae.BetaVaeConfig} (decision 0003); docs/FAMILIES.md has the details.
 */
package dev.vaeforge.trainer.betavae;
