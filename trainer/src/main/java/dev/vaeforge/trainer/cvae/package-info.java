/**
 * Conditional VAE (Sohn et al. 2015): {@link dev.vaeforge.trainer.cvae.ConditionalVae} with
 * q(z|x,y) ({@link dev.vaeforge.trainer.cvae.ConditionalEncoder}) and p(x|z,y)
 * ({@link dev.vaeforge.trainer.cvae.ConditionalDecoder}); y enters by concatenation (decision 0009).
 * Its loss is the plain VAE's ({@code VaeLoss}) applied to the conditional outputs: the negative
 * conditional ELBO. The config record is {@code CvaeConfig}, the plug-in {@code CvaeFamily}.
 */
package dev.vaeforge.trainer.cvae;
