package dev.vaeforge.trainer.train;

import java.nio.file.Path;

/**
 * Observes a training run (progress bar, CLI, tests). Called on the training thread; a listener that
 * does slow work should hand it off. An exception from a listener stops the run.
 */
public interface TrainListener {
    default void onStart(TrainingPlan plan) {
    }

    default void onStep(StepProgress progress) {
    }

    /** After the epoch's test evaluation, before its checkpoint is written. */
    default void onEpoch(EpochMetrics metrics) {
    }

    /** After a checkpoint directory was renamed into place. */
    default void onCheckpoint(int epoch, Path directory) {
    }

    default void onEnd(TrainingSummary summary) {
    }
}
