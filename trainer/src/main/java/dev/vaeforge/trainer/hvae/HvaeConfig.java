package dev.vaeforge.trainer.hvae;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Span;
import java.util.List;

/**
 * A two-level hierarchical VAE with Ladder-VAE inference (Sønderby et al. 2016). The architecture's
 * latentDim is the bottom level's D1 (the decoder's input); the top level has D2.
 *
 * @param latentDims [D1, D2], bottom level first, each in 1..4096 (unless given: [latentDim,
 *     max(1, latentDim / 2)])
 * @param freeBits lambda_l per level, nats per latent dimension, >= 0 (unless given: [0, 0], off); the KL
 *     of level l in the objective is sum_d max(lambda_l, batch mean of KL_ld)
 * @param warmup the span over which the KL weight rises linearly from 0 to 1 (Sønderby et al.'s warm-up);
 *     null = none (weight 1 throughout)
 */
public record HvaeConfig(Architecture architecture, List<Integer> latentDims, List<Double> freeBits, Span warmup)
        implements ModelConfig {

    public static final String FAMILY = "hvae";
    /** The number of levels this family builds. */
    public static final int LEVELS = 2;

    public HvaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        if (latentDims == null) {
            latentDims = List.of(architecture.latentDim(), Math.max(1, architecture.latentDim() / 2));
        }
        if (latentDims.size() != LEVELS) {
            throw new IllegalArgumentException("latent-dims must list " + LEVELS + " sizes (one per level, bottom "
                    + "first), got " + latentDims);
        }
        for (Integer d : latentDims) {
            if (d == null || d < 1 || d > 4096) {
                throw new IllegalArgumentException("each of latent-dims must be in 1..4096, got " + latentDims);
            }
        }
        latentDims = List.copyOf(latentDims);
        if (architecture.latentDim() != latentDims.get(0)) {
            architecture = architecture.withLatentDim(latentDims.get(0));
        }
        if (freeBits == null) {
            freeBits = List.of(0.0, 0.0);
        }
        if (freeBits.size() != LEVELS) {
            throw new IllegalArgumentException("level-free-bits must give one value or " + LEVELS
                    + " (one per level, bottom first), got " + freeBits);
        }
        for (Double f : freeBits) {
            if (f == null || !(f >= 0) || f.isInfinite()) {
                throw new IllegalArgumentException("each of level-free-bits must be a number >= 0 (nats per latent "
                        + "dimension), got " + freeBits);
            }
        }
        freeBits = List.copyOf(freeBits);
    }

    @Override
    public String family() {
        return FAMILY;
    }

    /** D_l of level l (1 = bottom). */
    public int dim(int level) {
        return latentDims.get(level - 1);
    }

    /** The width of the deterministic layers of the ladder: 2 D1 (at least 16). */
    public int hidden() {
        return Math.max(16, 2 * latentDims.get(0));
    }

    /** The KL weight of the step after {@code step} steps: min(1, step / warm-up steps), 1 without a warm-up. */
    public double klWeightAt(long step, int stepsPerEpoch) {
        if (warmup == null) {
            return 1;
        }
        return Math.min(1.0, (double) step / warmup.steps(stepsPerEpoch));
    }
}
