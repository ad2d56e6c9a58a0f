package dev.vaeforge.trainer.train;

/**
 * What a run is about to do, reported once before the first step.
 *
 * @param device "cpu" or "cuda:N", checked against the engine
 */
public record TrainingPlan(int epochs, int stepsPerEpoch, int batchSize, int trainImages, int testImages,
                           String device, String runDirectory) {
    public long totalSteps() {
        return (long) epochs * stepsPerEpoch;
    }
}
