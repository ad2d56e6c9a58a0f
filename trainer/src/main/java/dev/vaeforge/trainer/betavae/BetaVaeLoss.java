package dev.vaeforge.trainer.betavae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.vae.VaeLoss;
import dev.vaeforge.trainer.prior.PriorTerms;
import java.util.Map;

/**
 * The beta-VAE objective at one value of beta, on {@code ConvVae}'s output [logits, mu, logvar]:
 * <pre>
 *   total = mean_batch recon + beta * K
 *   K     = mean_batch sum_d KL_d                      (free bits off, lambda = 0)
 *   K     = sum_d max(lambda, mean_batch KL_d)         (free bits on: Kingma et al. 2016, one group per dimension)
 * </pre>
 * With free bits, a dimension whose batch-mean KL is below lambda contributes the constant lambda and
 * no gradient, so the encoder is not pushed to collapse it further. The logged KL is always the true
 * mean KL, without the floor.
 */
public final class BetaVaeLoss implements Objective {
    private final BetaVaeConfig config;
    private final VaeLoss base;
    private final double beta;

    public BetaVaeLoss(BetaVaeConfig config) {
        this(config, config.beta());
    }

    private BetaVaeLoss(BetaVaeConfig config, double beta) {
        this.config = config;
        this.base = VaeLoss.of(config.architecture());
        this.beta = beta;
    }

    /** The beta this objective weights the KL term with. */
    public double beta() {
        return beta;
    }

    @Override
    public LossTerms compute(NDArray x, NDList outputs) {
        NDArray recon = base.reconstructionPerImage(x, outputs.get(0));
        PriorTerms.Kl k = PriorTerms.kl(outputs);
        NDArray kl = k.perImage().mean();
        NDArray meanPerDim = k.perDimension().mean(new int[] {0});
        NDArray klTerm = config.freeBits() > 0 ? Scalars.maximum(meanPerDim, config.freeBits()).sum() : kl;
        NDArray reconMean = recon.mean();
        return k.terms(reconMean.add(Scalars.mul(klTerm, beta)), reconMean, kl, meanPerDim);
    }

    @Override
    public Objective atStep(long step, int stepsPerEpoch) {
        return new BetaVaeLoss(config, config.betaAt(step, stepsPerEpoch));
    }

    @Override
    public Objective atEnd() {
        return new BetaVaeLoss(config, config.beta());
    }

    @Override
    public Map<String, Double> scheduleValues() {
        return Map.of("beta", beta);
    }
}
