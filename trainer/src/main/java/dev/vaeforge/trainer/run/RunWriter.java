package dev.vaeforge.trainer.run;

import dev.vaeforge.runtime.data.BadFile;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Creates a run directory and writes into it as training goes. Refuses a directory that already
 * holds a run unless asked to overwrite, and then removes only the files a run consists of, never
 * anything else the user keeps there.
 */
public final class RunWriter {
    private static final List<String> RUN_FILES = List.of(RunLayout.SUMMARY, RunLayout.METRICS_JSONL,
            RunLayout.METRICS_CSV, RunLayout.SKIPPED, RunLayout.CONFIG);

    private final Path dir;
    private final RunInfo info;
    private final MetricsLog metrics;
    private final CheckpointStore checkpoints;

    private RunWriter(Path dir, RunInfo info, MetricsLog metrics, CheckpointStore checkpoints) {
        this.dir = dir;
        this.info = info;
        this.metrics = metrics;
        this.checkpoints = checkpoints;
    }

    /**
     * Starts a run in {@code dir}: writes config.json, empty metrics logs and the checkpoints folder.
     *
     * @param overwrite replace an existing run (its config, metrics, summary and checkpoints)
     * @throws InvalidRunException if {@code dir} already holds a run and {@code overwrite} is false
     */
    public static RunWriter create(Path dir, RunInfo info, boolean overwrite) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidRunException(dir + " exists and is not a directory; expected a run directory to create");
        }
        if (Files.exists(dir.resolve(RunLayout.CONFIG))) {
            if (!overwrite) {
                throw new InvalidRunException(dir + " already holds a training run (" + RunLayout.CONFIG
                        + " exists); choose another run directory or pass --overwrite to replace it");
            }
            // config.json goes last: until the old run is gone the directory still reads as a run
            AtomicFiles.deleteTree(dir.resolve(RunLayout.CHECKPOINTS));
            for (String f : RUN_FILES) {
                Files.deleteIfExists(dir.resolve(f));
            }
        }
        Files.createDirectories(dir);
        CheckpointStore store = new CheckpointStore(dir, info.config().keepCheckpoints());
        MetricsLog log = MetricsLog.create(dir, dev.vaeforge.trainer.prior.PriorMetrics.columns(info.config().model(),
                dev.vaeforge.trainer.posterior.FlowMetrics.columns(info.config().model(),
                FamilyRegistry.of(info.config().model()).metricColumns(info.config().model()))));
        AtomicFiles.writeString(dir.resolve(RunLayout.CONFIG), Json.write(info));
        return new RunWriter(dir, info, log, store);
    }

    /**
     * Continues writing an existing run (resume): keeps config.json and the checkpoints, sets the
     * metrics logs to {@code metrics} and removes a summary.json.
     */
    static RunWriter reopen(Path dir, RunInfo info, List<EpochMetrics> metrics) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, info.config().keepCheckpoints());
        MetricsLog log = MetricsLog.open(dir);
        log.rewrite(metrics);
        Files.deleteIfExists(dir.resolve(RunLayout.SUMMARY));
        return new RunWriter(dir, info, log, store);
    }

    public Path directory() {
        return dir;
    }

    public RunInfo info() {
        return info;
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    public void appendMetrics(EpochMetrics m) throws IOException {
        metrics.append(m);
    }

    /**
     * Lists the items the dataset skipped in {@code skipped.tsv}: one {@code path<TAB>reason} line each
     * (tabs and line breaks inside a field become spaces). Writes nothing when the list is empty.
     */
    public void writeSkipped(List<BadFile> skipped) throws IOException {
        if (skipped.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (BadFile b : skipped) {
            sb.append(field(b.path())).append('\t').append(field(b.reason())).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(RunLayout.SKIPPED), sb.toString());
    }

    private static String field(String s) {
        return s.replaceAll("[\t\r\n]", " ");
    }

    public void writeSummary(TrainingSummary summary) throws IOException {
        AtomicFiles.writeString(dir.resolve(RunLayout.SUMMARY), Json.write(summary));
    }
}
