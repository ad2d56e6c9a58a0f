package dev.vaeforge.trainer.train;

/**
 * Progress after one optimiser step.
 *
 * @param step 1-based step within the epoch
 * @param globalStep steps since the start of the run
 * @param loss this step's batch loss (nats per image)
 * @param runningLoss mean loss over the epoch's steps so far
 * @param imagesPerSecond training throughput in this epoch so far
 * @param etaSeconds estimated time to the end of the run, from the mean time per step so far
 */
public record StepProgress(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, long totalSteps,
                           double loss, double runningLoss, double imagesPerSecond, double elapsedSeconds,
                           double etaSeconds) {
}
