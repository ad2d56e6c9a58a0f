/**
 * beta-VAE (Higgins et al. 2017): the plain VAE's block ({@code ConvVae}) with {@link
 * dev.vaeforge.trainer.betavae.BetaVaeLoss}, reconstruction + beta * KL with a KL schedule (constant,
 * linear warm-up, cyclical annealing) and optional free bits.
 * The config record is {@code BetaVaeConfig}, the plug-in {@code BetaVaeFamily}; docs/FAMILIES.md has
 * the details.
 */
package dev.vaeforge.trainer.betavae;
