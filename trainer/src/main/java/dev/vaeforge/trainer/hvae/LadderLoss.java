package dev.vaeforge.trainer.hvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.nn.Scalars;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.util.Map;

/**
 * The negative ELBO of {@link LadderVae}'s output [logits, mu1, logvar1, mu2, logvar2, priorMu1,
 * priorLogvar1], in nats per image, with z2 ~ q(z2|x) and z1 ~ q(z1|z2, x) drawn once by the block:
 * <pre>
 *   -ELBO = -log p(x|z1) + w (KL_1 + KL_2)
 *   KL_2  = KL(q(z2|x) || N(0, I))          = sum_d 1/2 (mu2^2 + exp(lv2) - lv2 - 1)
 *   KL_1  = KL(q(z1|z2,x) || p(z1|z2))       = sum_d 1/2 (plv1 - lv1 + (exp(lv1) + (mu1 - pmu1)^2) / exp(plv1) - 1)
 * </pre>
 * KL_1 is closed form given the drawn z2 (a single-sample estimate of E_q(z2)[KL]), as in Sønderby et
 * al. With free bits lambda_l > 0 level l's term is sum_d max(lambda_l, batch mean of KL_ld) (Kingma et
 * al. 2016); w is the warm-up's weight ({@link HvaeConfig#klWeightAt}). Logged: reconstruction, kl
 * (KL_1 + KL_2, the true KL), kl1, kl2, and the KL per dimension, level 1's D1 values then level 2's.
 */
public final class LadderLoss implements Objective {
    public static final String KL1 = "kl1";
    public static final String KL2 = "kl2";
    private final HvaeConfig config;
    private final VaeLoss pixels;
    private final double weight;

    public LadderLoss(HvaeConfig config, double weight) {
        this.config = config;
        this.pixels = VaeLoss.of(config.architecture());
        this.weight = weight;
    }

    /** The KL weight w of this step. */
    public double weight() {
        return weight;
    }

    @Override
    public LossTerms compute(NDArray x, NDList o) {
        NDArray recon = pixels.reconstructionPerImage(x, o.get(0));
        NDArray kl1 = klPerDimension(o.get(1), o.get(2), o.get(5), o.get(6));   // [N, D1]
        NDArray kl2 = VaeLoss.klPerDimension(o.get(3), o.get(4));               // [N, D2]
        NDArray m1 = kl1.mean(new int[] {0});
        NDArray m2 = kl2.mean(new int[] {0});
        NDArray k1 = m1.sum();
        NDArray k2 = m2.sum();
        NDArray t1 = config.freeBits().get(0) > 0 ? Scalars.maximum(m1, config.freeBits().get(0)).sum() : k1;
        NDArray t2 = config.freeBits().get(1) > 0 ? Scalars.maximum(m2, config.freeBits().get(1)).sum() : k2;
        NDArray reconMean = recon.mean();
        NDArray total = reconMean.add(Scalars.mul(t1.add(t2), weight));
        return LossTerms.builder(total)
                .term(LossTerms.RECONSTRUCTION, reconMean)
                .term(LossTerms.KL, k1.add(k2))
                .term(KL1, k1)
                .term(KL2, k2)
                .tensor(LossTerms.KL_PER_DIM, NDArrays.concat(new NDList(m1, m2)))
                .build();
    }

    /** KL(N(mu, exp(lv)) || N(pmu, exp(plv))) per image and dimension [N, D]. */
    public static NDArray klPerDimension(NDArray mu, NDArray lv, NDArray pmu, NDArray plv) {
        NDArray quad = lv.exp().add(mu.sub(pmu).square()).div(plv.exp());
        return Scalars.mul(plv.sub(lv).add(quad).sub(1f), 0.5);
    }

    @Override
    public Objective atStep(long step, int stepsPerEpoch) {
        return new LadderLoss(config, config.klWeightAt(step, stepsPerEpoch));
    }

    @Override
    public Objective atEnd() {
        return new LadderLoss(config, 1);
    }

    @Override
    public Map<String, Double> scheduleValues() {
        return config.warmup() == null ? Map.of() : Map.of("beta", weight);
    }
}
