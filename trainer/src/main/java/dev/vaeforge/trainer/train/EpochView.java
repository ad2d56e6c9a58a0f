package dev.vaeforge.trainer.train;

/**
 * A look at the model after an epoch's evaluation, offered to {@link TrainListener#onEpochImages}: the
 * work is done only when a listener asks. It runs in inference mode and leaves the run's result alone
 * (no gradient, no batch-norm update; every training batch reseeds the engine's noise anyway).
 */
@FunctionalInterface
public interface EpochView {
    /** The model's images of the first {@code count} held-out images and of prior draws seeded by {@code seed}. */
    EpochImages images(int count, long seed);
}
