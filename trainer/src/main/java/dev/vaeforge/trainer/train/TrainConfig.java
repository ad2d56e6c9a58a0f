package dev.vaeforge.trainer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vaeforge.trainer.engine.DeviceSpec;
import dev.vaeforge.trainer.family.ModelConfig;
import java.util.Objects;

/**
 * Everything that decides a training run's result, persisted as {@code RUN/config.json}. Validates
 * in the constructor; fields left out of the JSON take the defaults below.
 *
 * @param model the architecture and likelihood (JSON: an object with a "family" field)
 * @param dataset the dataset spec as given on the command line ("shapes", "folder:DIR", ...); the
 *     trainer records it, the caller resolves it
 * @param epochs full passes over the training split
 * @param batchSize images per optimiser step, at least 2 (batch norm needs two values per channel);
 *     a trailing partial batch is dropped each epoch (the seeded shuffle rotates it)
 * @param learningRate Adam's learning rate (fixed; a NaN rollback halves it for the rest of the run)
 * @param seed seeds the split, the per-epoch shuffle, initialisation and the reparameterisation noise
 * @param device "cpu", "cuda" or "cuda:N" (stored as "cpu" / "cuda:N")
 * @param keepCheckpoints how many of the latest checkpoints to keep (the best by test loss is kept too)
 * @param testFraction share of the dataset held out for the per-epoch test loss, in (0, 0.5]
 * @param threads engine intra-/inter-op threads; 0 = number of cores. Only effective before the engine loads
 * @param checkpointEvery also checkpoint every this many batches inside an epoch; 0 = only at the end
 *     of each epoch
 * @param onNan what a NaN or infinite loss term or gradient does: stop (default), skip the batch, or
 *     roll back to the last good checkpoint with half the learning rate
 * @param maxNanRetries how many batches skip and rollback may handle in one run before it stops
 * @param dataSelection which images of {@code dataset} the run uses (limit, held-out part, split
 *     fractions and seed, resize, skip-bad), so that a resume selects them again; null in runs written
 *     before it was recorded (they resume with the options given again) and for callers that pass the
 *     parts themselves
 */
public record TrainConfig(ModelConfig model, String dataset, int epochs, int batchSize, double learningRate,
                          long seed, String device, int keepCheckpoints, double testFraction, int threads,
                          int checkpointEvery, NanPolicy onNan, int maxNanRetries,
                          DataSelection dataSelection) {

    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final long DEFAULT_SEED = 42;
    public static final String DEFAULT_DEVICE = "cpu";
    public static final int DEFAULT_KEEP_CHECKPOINTS = 3;
    public static final double DEFAULT_TEST_FRACTION = 0.1;
    public static final NanPolicy DEFAULT_ON_NAN = NanPolicy.STOP;
    public static final int DEFAULT_MAX_NAN_RETRIES = 3;

    public TrainConfig {
        Objects.requireNonNull(model, "model config is required");
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException("dataset spec is required (e.g. shapes, folder:DIR), got nothing");
        }
        if (epochs < 1 || epochs > 1_000_000) {
            throw new IllegalArgumentException("epochs must be in 1..1000000, got " + epochs);
        }
        if (batchSize < 2 || batchSize > 65_536) {
            throw new IllegalArgumentException("batch size must be in 2..65536 (batch norm needs 2), got " + batchSize);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning rate must be in (0, 1], got " + learningRate);
        }
        device = DeviceSpec.parse(device).toString();
        if (keepCheckpoints < 1 || keepCheckpoints > 10_000) {
            throw new IllegalArgumentException("keep-checkpoints must be in 1..10000, got " + keepCheckpoints);
        }
        if (!(testFraction > 0 && testFraction <= 0.5)) {
            throw new IllegalArgumentException("test fraction must be in (0, 0.5], got " + testFraction);
        }
        if (threads < 0 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 0..1024 (0 = number of cores), got " + threads);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint-every must be >= 0 batches (0 = at epoch ends only), got "
                    + checkpointEvery);
        }
        if (onNan == null) {
            onNan = DEFAULT_ON_NAN;
        }
        if (maxNanRetries < 1 || maxNanRetries > 1000) {
            throw new IllegalArgumentException("max-nan-retries must be in 1..1000, got " + maxNanRetries);
        }
    }

    /** The JSON form: absent fields take their defaults, present ones are validated like any other. */
    @JsonCreator
    static TrainConfig fromJson(@JsonProperty("model") ModelConfig model, @JsonProperty("dataset") String dataset,
                                @JsonProperty("epochs") Integer epochs, @JsonProperty("batchSize") Integer batchSize,
                                @JsonProperty("learningRate") Double learningRate, @JsonProperty("seed") Long seed,
                                @JsonProperty("device") String device,
                                @JsonProperty("keepCheckpoints") Integer keepCheckpoints,
                                @JsonProperty("testFraction") Double testFraction,
                                @JsonProperty("threads") Integer threads,
                                @JsonProperty("checkpointEvery") Integer checkpointEvery,
                                @JsonProperty("onNan") NanPolicy onNan,
                                @JsonProperty("maxNanRetries") Integer maxNanRetries,
                                @JsonProperty("dataSelection") DataSelection dataSelection) {
        return new TrainConfig(model, dataset, or(epochs, DEFAULT_EPOCHS), or(batchSize, DEFAULT_BATCH_SIZE),
                or(learningRate, DEFAULT_LEARNING_RATE), or(seed, DEFAULT_SEED), or(device, DEFAULT_DEVICE),
                or(keepCheckpoints, DEFAULT_KEEP_CHECKPOINTS), or(testFraction, DEFAULT_TEST_FRACTION), or(threads, 0),
                or(checkpointEvery, 0), or(onNan, DEFAULT_ON_NAN), or(maxNanRetries, DEFAULT_MAX_NAN_RETRIES),
                dataSelection);
    }

    private static <T> T or(T value, T dflt) {
        return value == null ? dflt : value;
    }

    /** A config with every default, for {@link Builder}. */
    public static Builder builder(ModelConfig model, String dataset) {
        return new Builder(model, dataset);
    }

    /** The device as a parsed spec. */
    public DeviceSpec deviceSpec() {
        return DeviceSpec.parse(device);
    }

    /** DJL-style builder: required arguments up front, optX for the rest. */
    public static final class Builder {
        private final ModelConfig model;
        private final String dataset;
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private long seed = DEFAULT_SEED;
        private String device = DEFAULT_DEVICE;
        private int keepCheckpoints = DEFAULT_KEEP_CHECKPOINTS;
        private double testFraction = DEFAULT_TEST_FRACTION;
        private int threads;
        private int checkpointEvery;
        private NanPolicy onNan = DEFAULT_ON_NAN;
        private int maxNanRetries = DEFAULT_MAX_NAN_RETRIES;
        private DataSelection dataSelection;

        private Builder(ModelConfig model, String dataset) {
            this.model = model;
            this.dataset = dataset;
        }

        public Builder optEpochs(int v) {
            epochs = v;
            return this;
        }

        public Builder optBatchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder optLearningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        public Builder optDevice(String v) {
            device = v;
            return this;
        }

        public Builder optKeepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        public Builder optTestFraction(double v) {
            testFraction = v;
            return this;
        }

        public Builder optThreads(int v) {
            threads = v;
            return this;
        }

        public Builder optCheckpointEvery(int batches) {
            checkpointEvery = batches;
            return this;
        }

        public Builder optOnNan(NanPolicy v) {
            onNan = v;
            return this;
        }

        public Builder optMaxNanRetries(int v) {
            maxNanRetries = v;
            return this;
        }

        public Builder optDataSelection(DataSelection v) {
            dataSelection = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(model, dataset, epochs, batchSize, learningRate, seed, device, keepCheckpoints,
                    testFraction, threads, checkpointEvery, onNan, maxNanRetries, dataSelection);
        }
    }
}
