package dev.vaeforge.trainer.train;

import dev.vaeforge.runtime.data.ImageShape;

/**
 * What the model makes of fixed inputs after an epoch, in inference mode, for the training logs: the
 * first {@code count} held-out images and their reconstructions, images decoded from prior draws of
 * a fixed seed, and the posterior means of the held-out images. All images NCHW in [0, 1].
 *
 * @param samples {@code count} images decoded from z ~ N(0, I); null for a family that cannot decode
 *     a bare latent vector ({@code Family#decodePrior})
 * @param posteriorMeans [count, latentDim] row-major; null for a family without a Gaussian latent vector
 */
public record EpochImages(ImageShape shape, int count, float[] originals, float[] reconstructions, float[] samples,
                          float[] posteriorMeans) {
}
