/**
 * Capacity-controlled beta-VAE (Burgess et al. 2018): the plain VAE's block ({@code ConvVae}) with
 * {@link dev.vaeforge.trainer.capacityvae.CapacityLoss}, reconstruction + gamma * |KL - C| with C rising
 * linearly to C_max.
 * The config record is {@code CapacityVaeConfig}, the plug-in {@code CapacityVaeFamily};
 * docs/FAMILIES.md has the details.
 */
package dev.vaeforge.trainer.capacityvae;
