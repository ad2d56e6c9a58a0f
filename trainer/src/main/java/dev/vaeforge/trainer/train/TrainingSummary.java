package dev.vaeforge.trainer.train;

/**
 * The outcome of a finished run, written as {@code RUN/summary.json}.
 *
 * @param latestCheckpoint the newest checkpoint directory, relative to the run directory
 * @param bestCheckpoint the checkpoint with the lowest test loss, relative to the run directory
 * @param wallSeconds from the start of the run to the summary, setup and checkpoints included
 */
public record TrainingSummary(int formatVersion, int epochs, long steps, EpochMetrics finalMetrics, int bestEpoch,
                              double bestTestLoss, String latestCheckpoint, String bestCheckpoint,
                              double wallSeconds, double meanImagesPerSecond, String startedAt, String finishedAt) {
}
