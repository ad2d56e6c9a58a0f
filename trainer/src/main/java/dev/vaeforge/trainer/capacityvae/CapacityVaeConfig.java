package dev.vaeforge.trainer.capacityvae;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.Span;
import java.util.List;

/**
 * Capacity-controlled beta-VAE (Burgess et al. 2018, "Understanding disentangling in beta-VAE"): the
 * plain VAE's architecture trained on reconstruction + gamma * |KL - C|, where KL is the batch mean
 * of the per-image KL and the capacity C rises linearly from 0 to {@code capacityMax} over
 * {@code capacitySpan}, then stays there.
 *
 * @param gamma weight of the capacity term, >= 0 (1000 unless given, as in the paper)
 * @param capacityMax C_max in nats, >= 0 (25 unless given, the paper's dSprites value)
 * @param capacitySpan how long C takes to reach C_max ("100000 steps" unless given, as in the paper;
 *     the CLI defaults to the length of the run so that short runs reach C_max)
 */
public record CapacityVaeConfig(Architecture architecture, Double gamma, Double capacityMax, Span capacitySpan)
        implements ModelConfig {

    public static final String FAMILY = "capacity-vae";
    public static final double DEFAULT_GAMMA = 1000;
    public static final double DEFAULT_CAPACITY_MAX = 25;
    public static final Span DEFAULT_SPAN = Span.ofSteps(100_000);

    public CapacityVaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        gamma = gamma == null ? DEFAULT_GAMMA : gamma;
        capacityMax = capacityMax == null ? DEFAULT_CAPACITY_MAX : capacityMax;
        capacitySpan = capacitySpan == null ? DEFAULT_SPAN : capacitySpan;
        if (!(gamma >= 0) || gamma.isInfinite()) {
            throw new IllegalArgumentException("gamma must be a number >= 0, got " + gamma);
        }
        if (!(capacityMax >= 0) || capacityMax.isInfinite()) {
            throw new IllegalArgumentException("capacity-max must be a number >= 0 (nats), got " + capacityMax);
        }
    }

    /** C for the optimiser step after {@code step} steps: C_max * min(1, step / N). */
    public double capacityAt(long step, int stepsPerEpoch) {
        return capacityMax * Math.min(1.0, (double) step / capacitySpan.steps(stepsPerEpoch));
    }

    @Override
    public String family() {
        return FAMILY;
    }

}
