package dev.vaeforge.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.LossTotals;
import java.util.List;
import java.util.Map;

/**
 * What a format-2 checkpoint holds besides the weights and Adam's moments (which are files next to
 * checkpoint.json): everything else the rest of the run depends on. Written under "state" in
 * checkpoint.json; trainer/README.md lists the fields.
 *
 * @param position where in the data the run is
 * @param noise how the engine's generator is seeded for each batch, so resume draws the same noise
 * @param optimizer Adam's scalars; its moments are in {@code optimizer.file}
 * @param epochTotals loss sums of the unfinished epoch's batches (empty at an epoch's end)
 * @param epochTrainSeconds training time spent in the unfinished epoch
 * @param metrics every finished epoch's metrics, as in metrics.jsonl (restored there on resume)
 * @param faults NaN/Inf faults handled by skip or rollback so far
 * @param family what the family contributes through {@code ResumableState}, by state key
 * @param clock run-level timings, for the summary
 */
public record TrainingState(Position position, Noise noise, Optimizer optimizer, LossTotals.Snapshot epochTotals,
                            double epochTrainSeconds, List<EpochMetrics> metrics, Faults faults,
                            Map<String, JsonNode> family, Clock clock) {

    public TrainingState {
        metrics = List.copyOf(metrics);
        family = family == null ? Map.of() : Map.copyOf(family);
    }

    /**
     * The data order: epoch {@code completedEpochs + 1} visits the training split in
     * {@code EpochOrder.shuffle(trainImages, shuffleSeed, epoch)} and has done {@code batchesDone}
     * batches of {@code batchSize}.
     *
     * @param globalStep optimiser steps so far (skipped batches take none)
     * @param trainFingerprint the training split's fingerprint; resuming on other data is refused
     */
    public record Position(int completedEpochs, int batchesDone, long globalStep, long shuffleSeed, int batchSize,
                           int trainImages, String trainFingerprint) {
    }

    /** "per-batch": the engine is reseeded with {@code StepNoise.seed(seed, epoch, batch)} before each batch. */
    public record Noise(String scheme, long seed) {
        public static final String PER_BATCH = "per-batch";
    }

    /**
     * @param updates Adam's step count t (bias correction)
     * @param file the moments' file in the checkpoint directory
     */
    public record Optimizer(String type, float learningRate, float beta1, float beta2, float epsilon, int updates,
                            String file) {
    }

    /** @param retriesUsed faults handled so far, against the config's maxNanRetries */
    public record Faults(int retriesUsed, List<FaultEvent> events) {
        public static final Faults NONE = new Faults(0, List.of());

        public Faults {
            events = List.copyOf(events);
        }
    }

    /**
     * One handled fault.
     *
     * @param action "skipped" or "rolled back to ..."
     * @param learningRate the learning rate after the action
     */
    public record FaultEvent(long step, int epoch, int batch, String where, String value, String action,
                             double learningRate, String at) {
    }

    /**
     * @param startedAt when the run first started
     * @param activeSeconds time spent running, over all processes that worked on the run
     * @param trainSeconds training time (evaluation excluded), for the mean throughput
     * @param trainImages images trained on so far
     */
    public record Clock(String startedAt, double activeSeconds, double trainSeconds, long trainImages) {
    }
}
