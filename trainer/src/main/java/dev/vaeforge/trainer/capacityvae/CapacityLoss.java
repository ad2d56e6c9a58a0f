package dev.vaeforge.trainer.capacityvae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.vae.VaeLoss;
import dev.vaeforge.trainer.prior.PriorTerms;
import java.util.Map;

/**
 * The capacity objective of Burgess et al. 2018 at one capacity C, on {@code ConvVae}'s output:
 * total = mean_batch recon + gamma * |mean_batch KL - C|. The absolute value is taken of the batch
 * mean (as in the paper's and disentanglement_lib's implementations), not averaged per image.
 */
public final class CapacityLoss implements Objective {
    private final CapacityVaeConfig config;
    private final VaeLoss base;
    private final double capacity;

    public CapacityLoss(CapacityVaeConfig config) {
        this(config, 0);
    }

    private CapacityLoss(CapacityVaeConfig config, double capacity) {
        this.config = config;
        this.base = VaeLoss.of(config.architecture());
        this.capacity = capacity;
    }

    /** C in nats. */
    public double capacity() {
        return capacity;
    }

    @Override
    public LossTerms compute(NDArray x, NDList outputs) {
        NDArray recon = base.reconstructionPerImage(x, outputs.get(0)).mean();
        PriorTerms.Kl k = PriorTerms.kl(outputs);
        NDArray kl = k.perImage().mean();
        NDArray term = Scalars.mul(kl.sub((float) capacity).abs(), config.gamma());
        return k.terms(recon.add(term), recon, kl, k.perDimension().mean(new int[] {0}));
    }

    @Override
    public Objective atStep(long step, int stepsPerEpoch) {
        return new CapacityLoss(config, config.capacityAt(step, stepsPerEpoch));
    }

    @Override
    public Objective atEnd() {
        return new CapacityLoss(config, config.capacityMax());
    }

    @Override
    public Map<String, Double> scheduleValues() {
        return Map.of("capacity", capacity);
    }
}
