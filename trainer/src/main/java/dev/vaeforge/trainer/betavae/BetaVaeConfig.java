package dev.vaeforge.trainer.betavae;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;

/**
 * beta-VAE (Higgins et al. 2017, ICLR): the plain VAE's architecture trained on reconstruction +
 * beta * KL, with beta following a {@link KlSchedule} and an optional free-bits floor per latent
 * dimension (Kingma et al. 2016).
 *
 * @param beta the target KL weight, >= 0 (4 unless given; Higgins et al. used 4 on dSprites with D = 10)
 * @param klSchedule how beta reaches the target (constant unless given)
 * @param freeBits lambda, nats per latent dimension, >= 0; 0 = off. With lambda > 0 the KL term is
 *     sum_d max(lambda, mean over the batch of KL_d)
 */
public record BetaVaeConfig(Architecture architecture, Double beta, KlSchedule klSchedule, double freeBits)
        implements ModelConfig {

    public static final String FAMILY = "beta-vae";
    public static final double DEFAULT_BETA = 4;

    public BetaVaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
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

    /** beta for the optimiser step after {@code step} steps. */
    public double betaAt(long step, int stepsPerEpoch) {
        return klSchedule.beta(beta, step, stepsPerEpoch);
    }

    @Override
    public String family() {
        return FAMILY;
    }

}
