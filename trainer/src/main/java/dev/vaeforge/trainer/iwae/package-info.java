/**
 * The Importance Weighted Autoencoder (Burda, Grosse and Salakhutdinov, ICLR 2016): the plain VAE's
 * block drawing K latents per image, trained on the IWAE-K bound; optionally with the doubly
 * reparameterised encoder gradient (DReG, Tucker et al., ICLR 2019). Its bundles are ordinary Gaussian
 * bundles.
 */
package dev.vaeforge.trainer.iwae;
