package dev.vaeforge.trainer.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.List;

/**
 * beta-VAE (Higgins et al. 2017, ICLR): the {@link VaeConfig} architecture trained on
 * reconstruction + beta * KL, with beta following a {@link KlSchedule} and an optional free-bits floor
 * per latent dimension (Kingma et al. 2016). The architecture fields mean what they mean in
 * {@link VaeConfig}.
 *
 * @param beta the target KL weight, >= 0 (4 unless given; Higgins et al. used 4 on dSprites with D = 10)
 * @param klSchedule how beta reaches the target (constant unless given)
 * @param freeBits lambda, nats per latent dimension, >= 0; 0 = off. With lambda > 0 the KL term is
 *     sum_d max(lambda, mean over the batch of KL_d)
 */
public record BetaVaeConfig(int channels, int imageSize, int latentDim, List<Integer> widths, Likelihood likelihood,
                            double gaussianSigma, Double beta, KlSchedule klSchedule, double freeBits)
        implements ModelConfig {

    public static final double DEFAULT_BETA = 4;

    public BetaVaeConfig {
        VaeConfig a = new VaeConfig(channels, imageSize, latentDim, widths, likelihood, gaussianSigma);
        widths = a.widths();
        likelihood = a.likelihood();
        gaussianSigma = a.gaussianSigma();
        beta = beta == null ? DEFAULT_BETA : beta;
        if (!(beta >= 0) || beta.isInfinite()) {
            throw new IllegalArgumentException("beta must be a number >= 0, got " + beta);
        }
        klSchedule = klSchedule == null ? new KlSchedule.Constant() : klSchedule;
        if (!(freeBits >= 0) || Double.isInfinite(freeBits)) {
            throw new IllegalArgumentException("free-bits must be a number >= 0 (nats per latent dimension), got "
                    + freeBits);
        }
    }

    /** The encoder/decoder architecture, shared with the plain VAE. */
    @JsonIgnore
    public VaeConfig architecture() {
        return new VaeConfig(channels, imageSize, latentDim, widths, likelihood, gaussianSigma);
    }

    /** beta for the optimiser step after {@code step} steps. */
    public double betaAt(long step, int stepsPerEpoch) {
        return klSchedule.beta(beta, step, stepsPerEpoch);
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.BETA_VAE;
    }

    @Override
    public ImageShape imageShape() {
        return new ImageShape(channels, imageSize, imageSize);
    }
}
