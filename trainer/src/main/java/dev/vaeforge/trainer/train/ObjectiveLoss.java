package dev.vaeforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.vaeforge.trainer.loss.Objective;

/**
 * An {@link Objective} as a DJL {@link Loss} (labels = the input images), so that the DJL
 * {@code Trainer} knows the real loss. The loop itself calls the objective for its separate terms.
 */
final class ObjectiveLoss extends Loss {
    private final Objective objective;

    ObjectiveLoss(String name, Objective objective) {
        super(name);
        this.objective = objective;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return objective.compute(labels.singletonOrThrow(), predictions).total();
    }
}
