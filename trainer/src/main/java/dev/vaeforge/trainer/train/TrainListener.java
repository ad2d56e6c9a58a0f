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

    /**
     * After a checkpoint directory was renamed into place.
     *
     * @param epoch whole epochs completed at the checkpoint (one inside an epoch has the previous count)
     */
    default void onCheckpoint(int epoch, Path directory) {
    }

    /** A resumed run continues from {@code checkpoint} ("checkpoints/epoch-0002") after optimiser step {@code step}. */
    default void onResume(String checkpoint, long step) {
    }

    /** Something the user should know that does not stop the run: a corrupt checkpoint passed over, a NaN handled. */
    default void onWarning(String message) {
    }

    default void onEnd(TrainingSummary summary) {
    }
}
