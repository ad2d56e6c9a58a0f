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
     * Right after {@link #onEpoch}: {@code view} shows what the model makes of fixed inputs, computed
     * only if asked. For logs of images and histograms.
     */
    default void onEpochImages(EpochMetrics metrics, EpochView view) {
    }

    /**
     * After each optimiser step, with the step's scalars by name: "loss" (the family's objective), each
     * named loss term of the family (its two logged terms and its extras, e.g. a GAN's per-network
     * losses and "&lt;network&gt;Updated" balance flags), "learningRate", and the scheduled weights
     * ("beta", "capacity") of families that have them.
     */
    default void onStepScalars(long globalStep, java.util.Map<String, Double> scalars) {
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
