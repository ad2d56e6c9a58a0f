package dev.vaeforge.trainer.model;

import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.List;

/**
 * A convolutional VAE (Kingma and Welling 2014). The encoder halves the image size once per entry of
 * {@code widths} (3x3 stride-2 convolutions, batch norm, LeakyReLU 0.2), then two linear heads give
 * mu and logvar. The decoder mirrors it with nearest upsampling + 3x3 convolution.
 *
 * @param channels image channels (1 or 3)
 * @param imageSize image height = width; divisible by 2^widths.size()
 * @param latentDim latent dimension D
 * @param widths encoder channel widths, e.g. [32, 64, 128, 256] for CelebA 64x64
 * @param likelihood bernoulli or gaussian
 * @param gaussianSigma the fixed standard deviation of the Gaussian likelihood (unused for bernoulli)
 */
public record VaeConfig(int channels, int imageSize, int latentDim, List<Integer> widths,
                        Likelihood likelihood, double gaussianSigma) implements ModelConfig {

    public static final double DEFAULT_SIGMA = 0.1;

    public VaeConfig {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (latentDim < 1 || latentDim > 4096) {
            throw new IllegalArgumentException("latent-dim must be in 1..4096, got " + latentDim);
        }
        if (widths == null || widths.isEmpty() || widths.size() > 6) {
            throw new IllegalArgumentException("widths must list 1 to 6 channel counts, got " + widths);
        }
        for (int w : widths) {
            if (w < 1 || w > 2048) {
                throw new IllegalArgumentException("each width must be in 1..2048, got " + widths);
            }
        }
        int factor = 1 << widths.size();
        if (imageSize < factor || imageSize % factor != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be a multiple of 2^" + widths.size()
                    + " = " + factor + " for " + widths.size() + " downsampling stages");
        }
        if (likelihood == null) {
            likelihood = Likelihood.BERNOULLI;
        }
        if (gaussianSigma == 0) {
            gaussianSigma = DEFAULT_SIGMA;
        }
        if (!(gaussianSigma > 0) || Double.isInfinite(gaussianSigma)) {
            throw new IllegalArgumentException("gaussian-sigma must be a positive number, got " + gaussianSigma);
        }
        widths = List.copyOf(widths);
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.VAE;
    }

    @Override
    public ImageShape imageShape() {
        return new ImageShape(channels, imageSize, imageSize);
    }

    /** Spatial size after the last encoder stage. */
    public int bottleneckSize() {
        return imageSize >> widths.size();
    }
}
