package dev.vaeforge.trainer.family;

import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.posterior.PosteriorSpec;
import dev.vaeforge.trainer.prior.PriorSpec;
import java.util.List;

/**
 * The convolutional architecture every family builds on: the encoder halves the image size once per
 * entry of {@code widths} (3x3 stride-2 convolutions, batch norm, LeakyReLU 0.2), the decoder mirrors
 * it with nearest upsampling + 3x3 convolution. A family's config record contains one.
 *
 * @param channels image channels (1 or 3)
 * @param imageSize image height = width; divisible by 2^widths.size()
 * @param latentDim latent dimension D of a Gaussian latent vector (a family without one ignores it)
 * @param widths encoder channel widths, e.g. [32, 64, 128, 256] for CelebA 64x64
 * @param likelihood bernoulli (unless given) or gaussian
 * @param gaussianSigma the fixed standard deviation of the Gaussian likelihood (0.1 unless given;
 *     unused for bernoulli)
 * @param prior the prior p(z) of a Gaussian latent: the standard normal unless given, or a learned one
 *     ({@link PriorSpec}); written to config.json only when learned
 * @param posterior the approximate posterior q(z|x) of a Gaussian latent: the diagonal Gaussian unless
 *     given, or a flow on top of it ({@link PosteriorSpec}); written to config.json only when a flow
 */
public record Architecture(int channels, int imageSize, int latentDim, List<Integer> widths, Likelihood likelihood,
                           double gaussianSigma, PriorSpec prior, PosteriorSpec posterior) {

    /** With the diagonal Gaussian posterior. */
    public Architecture(int channels, int imageSize, int latentDim, List<Integer> widths, Likelihood likelihood,
                        double gaussianSigma, PriorSpec prior) {
        this(channels, imageSize, latentDim, widths, likelihood, gaussianSigma, prior, PosteriorSpec.GAUSSIAN);
    }

    /** With the standard-normal prior. */
    public Architecture(int channels, int imageSize, int latentDim, List<Integer> widths, Likelihood likelihood,
                        double gaussianSigma) {
        this(channels, imageSize, latentDim, widths, likelihood, gaussianSigma, PriorSpec.STANDARD);
    }

    public static final double DEFAULT_SIGMA = 0.1;

    public Architecture {
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
        if (prior == null) {
            prior = PriorSpec.STANDARD;
        }
        if (posterior == null) {
            posterior = PosteriorSpec.GAUSSIAN;
        }
    }

    /** The same architecture with another prior. */
    public Architecture withPrior(PriorSpec p) {
        return new Architecture(channels, imageSize, latentDim, widths, likelihood, gaussianSigma, p, posterior);
    }

    /** The same architecture with another posterior. */
    public Architecture withPosterior(PosteriorSpec q) {
        return new Architecture(channels, imageSize, latentDim, widths, likelihood, gaussianSigma, prior, q);
    }

    /** The same architecture with another latent dimension. */
    public Architecture withLatentDim(int d) {
        return new Architecture(channels, imageSize, d, widths, likelihood, gaussianSigma, prior, posterior);
    }

    public ImageShape imageShape() {
        return new ImageShape(channels, imageSize, imageSize);
    }

    /** Spatial size after the last encoder stage. */
    public int bottleneckSize() {
        return imageSize >> widths.size();
    }
}
