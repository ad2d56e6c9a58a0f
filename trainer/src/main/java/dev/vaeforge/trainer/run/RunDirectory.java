package dev.vaeforge.trainer.run;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSummary;
import dev.vaeforge.trainer.vae.ConvVae;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A finished (or interrupted) training run, opened for reading: by the exporter, by evaluation and
 * by the CLI. {@link #open} checks everything it can up front (config, checkpoint metadata, the
 * SHA-256 of every parameter file, the metrics log), so that later steps can trust what they get and
 * every problem is reported as one message naming the file and what was expected.
 */
public final class RunDirectory {
    private final Path dir;
    private final RunInfo info;
    private final List<Checkpoint> checkpoints;
    private final List<EpochMetrics> metrics;
    private final TrainingSummary summary;

    private RunDirectory(Path dir, RunInfo info, List<Checkpoint> checkpoints, List<EpochMetrics> metrics,
                         TrainingSummary summary) {
        this.dir = dir;
        this.info = info;
        this.checkpoints = List.copyOf(checkpoints);
        this.metrics = List.copyOf(metrics);
        this.summary = summary;
    }

    /**
     * Opens and validates a run directory.
     *
     * @throws InvalidRunException naming the missing or bad file and what was expected
     */
    public static RunDirectory open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new InvalidRunException("run directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidRunException(dir + " is not a directory; expected a run directory written by vaeforge train");
        }
        RunInfo info = readInfo(dir.resolve(RunLayout.CONFIG));
        List<Checkpoint> checkpoints = CheckpointStore.list(dir);
        if (checkpoints.isEmpty()) {
            throw new InvalidRunException(dir.resolve(RunLayout.CHECKPOINTS) + " holds no checkpoint (expected"
                    + " epoch-NNNN directories); the run stopped before its first checkpoint");
        }
        for (Checkpoint c : checkpoints) {
            CheckpointStore.verify(c);
        }
        Path jsonl = dir.resolve(RunLayout.METRICS_JSONL);
        if (!Files.isRegularFile(jsonl)) {
            throw new InvalidRunException(jsonl + " is missing; every run with checkpoints has one");
        }
        List<EpochMetrics> metrics = MetricsLog.read(jsonl);
        Path summaryFile = dir.resolve(RunLayout.SUMMARY);
        TrainingSummary summary = null;
        if (Files.exists(summaryFile)) {
            try {
                summary = Json.read(summaryFile, TrainingSummary.class);
            } catch (IOException e) {
                throw new InvalidRunException("corrupt run summary: " + e.getMessage(), e);
            }
        }
        return new RunDirectory(dir, info, checkpoints, metrics, summary);
    }

    /** Reads and checks only {@code dir}/config.json (what --resume needs before anything else). */
    public static RunInfo readConfig(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InvalidRunException("run directory " + dir + " does not exist");
        }
        return readInfo(dir.resolve(RunLayout.CONFIG));
    }

    /** Reads and checks config.json: format, version (1 or 2) and both sections. */
    static RunInfo readInfo(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidRunException(file + " is missing; " + file.getParent()
                    + " is not a run directory written by vaeforge train");
        }
        RunInfo info;
        try {
            info = Json.read(file, RunInfo.class);
        } catch (IOException e) {
            throw new InvalidRunException("corrupt run config: " + e.getMessage(), e);
        }
        if (!RunLayout.FORMAT.equals(info.format())) {
            throw new InvalidRunException(file + " has format '" + info.format() + "', expected '" + RunLayout.FORMAT + "'");
        }
        if (info.formatVersion() > RunLayout.FORMAT_VERSION || info.formatVersion() < 1) {
            throw new InvalidRunException(file + " has formatVersion " + info.formatVersion() + "; this vaeforge reads"
                    + " run format 1.." + RunLayout.FORMAT_VERSION + ", use a newer vaeforge");
        }
        if (info.config() == null || info.dataset() == null) {
            throw new InvalidRunException(file + " lacks its " + (info.config() == null ? "config" : "dataset")
                    + " section");
        }
        return info;
    }

    public Path path() {
        return dir;
    }

    public RunInfo info() {
        return info;
    }

    public TrainConfig config() {
        return info.config();
    }

    public DatasetInfo dataset() {
        return info.dataset();
    }

    public String datasetFingerprint() {
        return info.dataset().fingerprint();
    }

    /** All retained checkpoints, oldest first. */
    public List<Checkpoint> checkpoints() {
        return checkpoints;
    }

    public Checkpoint latestCheckpoint() {
        return checkpoints.get(checkpoints.size() - 1);
    }

    /** The retained checkpoint with the lowest test loss (the latest if none has a test loss). */
    public Checkpoint bestCheckpoint() {
        return CheckpointStore.best(checkpoints).orElse(latestCheckpoint());
    }

    /** One entry per finished epoch, from metrics.jsonl. */
    public List<EpochMetrics> metrics() {
        return metrics;
    }

    /** The summary, absent when the run was interrupted before it finished. */
    public Optional<TrainingSummary> summary() {
        return Optional.ofNullable(summary);
    }

    /**
     * Flat string provenance of a checkpoint for a bundle manifest and ONNX metadata_props: training
     * config (JSON), dataset spec, description and fingerprint, epoch, step, the checkpoint's metrics
     * (JSON), seed, checkpoint hash, and the training environment under "env." keys.
     */
    public Map<String, String> provenance(Checkpoint c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trainingConfig", Json.writeLine(info.config()));
        m.put("dataset", info.dataset().spec());
        m.put("datasetDescription", info.dataset().description());
        m.put("datasetFingerprint", info.dataset().fingerprint());
        m.put("seed", Long.toString(info.config().seed()));
        m.put("epochs", Integer.toString(c.epoch()));
        m.put("steps", Long.toString(c.info().step()));
        m.put("metrics", c.metrics() == null ? "{}" : Json.writeLine(c.metrics()));
        m.put("checkpoint", c.relativeName());
        m.put("checkpointSha256", c.info().paramsSha256());
        m.put("trainedAt", info.createdAt());
        info.environment().forEach((k, v) -> m.put("env." + k, v));
        return m;
    }

    /** Provenance of the latest checkpoint. */
    public Map<String, String> provenance() {
        return provenance(latestCheckpoint());
    }

    /** The latest checkpoint's VAE, parameters attached to {@code manager}, ready for inference. */
    public ConvVae loadModel(NDManager manager) throws IOException {
        return loadModel(manager, latestCheckpoint());
    }

    /**
     * A checkpoint's VAE with its parameters attached to {@code manager} (closing the manager frees
     * them). Run it with {@code forward(new ParameterStore(manager, false), x, false)} for inference.
     */
    public ConvVae loadModel(NDManager manager, Checkpoint c) throws IOException {
        Block block = loadBlock(manager, c);
        if (block instanceof ConvVae vae) {
            return vae;
        }
        throw new InvalidRunException(dir.resolve(RunLayout.CONFIG) + " describes a '" + config().model().family()
                + "' model, not a VAE");
    }

    /** A checkpoint's block, of whatever family the run trained. */
    public Block loadBlock(NDManager manager, Checkpoint c) throws IOException {
        if (!checkpoints.contains(c)) {
            throw new IllegalArgumentException(c.directory() + " is not a checkpoint of " + dir);
        }
        Block block = FamilyRegistry.of(config().model()).newBlock(config().model());
        DjlParams.load(c.paramsFile(), block, manager);
        return block;
    }
}
