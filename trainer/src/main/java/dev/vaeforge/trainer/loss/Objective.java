package dev.vaeforge.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Map;
import java.util.Set;

/**
 * A model family's training loss. Keeps the training loop family-agnostic: each family supplies its
 * block and its objective. Objectives whose weights follow a schedule (beta warm-up, capacity) are
 * immutable values fixed at one point of the schedule; the loop asks for the one of each step.
 */
public interface Objective {
    /**
     * @param x the input batch, NCHW in [0,1]
     * @param outputs the block's forward output for {@code x}
     */
    LossTerms compute(NDArray x, NDList outputs);

    /**
     * The objective of the optimiser step taken after {@code step} steps of the run. Objectives without
     * a schedule return themselves.
     *
     * @param stepsPerEpoch converts schedule lengths given in epochs into steps
     */
    default Objective atStep(long step, int stepsPerEpoch) {
        return this;
    }

    /**
     * The objective that scores held-out data: every schedule at its final value (target beta, C_max),
     * so that test losses of different epochs are comparable and the best checkpoint is the best for the
     * objective the run ends with.
     */
    default Objective atEnd() {
        return this;
    }

    /** The scheduled weights this objective uses ("beta" -> 0.5), for the metrics log; empty without a schedule. */
    default Map<String, Double> scheduleValues() {
        return Map.of();
    }

    /**
     * For a family of several networks ({@link LossTerms#networks()} not empty): which networks this
     * step updates, decided from the step's batch-mean {@link LossTerms#terms()} before anything is
     * applied (vaegan's equilibrium rule). A network left out keeps its weights and its optimiser state.
     *
     * @param networks the names in {@link LossTerms#networks()}
     * @param terms the values of {@link LossTerms#terms()}
     */
    default Set<String> networksToUpdate(Set<String> networks, Map<String, Float> terms) {
        return networks;
    }
}
