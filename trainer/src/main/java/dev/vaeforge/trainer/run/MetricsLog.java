package dev.vaeforge.trainer.run;

import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-epoch metrics, appended to {@code metrics.jsonl} (for programs) and {@code metrics.csv}
 * (for spreadsheets and plotting) after every epoch and forced to disk, so an interrupted run keeps
 * the history of its finished epochs.
 */
public final class MetricsLog {
    private final Path jsonl;
    private final Path csv;

    private MetricsLog(Path runDir) {
        this.jsonl = runDir.resolve(RunLayout.METRICS_JSONL);
        this.csv = runDir.resolve(RunLayout.METRICS_CSV);
    }

    /** Starts empty logs (the CSV with the base header). */
    static MetricsLog create(Path runDir) throws IOException {
        return create(runDir, EpochMetrics.COLUMNS);
    }

    /**
     * Starts empty logs; the CSV header is {@code columns} (the base columns, then a family's extras,
     * see {@code Family.metricColumns}), matching {@link EpochMetrics#csvRow()}.
     */
    static MetricsLog create(Path runDir, List<String> columns) throws IOException {
        MetricsLog log = new MetricsLog(runDir);
        AtomicFiles.writeString(log.jsonl, "");
        AtomicFiles.writeString(log.csv, String.join(",", columns) + "\n");
        return log;
    }

    /** Opens the logs of an existing run. */
    static MetricsLog open(Path runDir) {
        return new MetricsLog(runDir);
    }

    /**
     * Replaces both logs with exactly {@code metrics}, atomically: a resumed run drops the lines of
     * epochs that finished after the checkpoint it continues from (they will be trained again).
     */
    void rewrite(List<EpochMetrics> metrics) throws IOException {
        StringBuilder j = new StringBuilder();
        StringBuilder c = new StringBuilder(String.join(",", EpochMetrics.COLUMNS)).append('\n');
        for (EpochMetrics m : metrics) {
            j.append(Json.writeLine(m)).append('\n');
            c.append(m.csvRow()).append('\n');
        }
        AtomicFiles.writeString(jsonl, j.toString());
        AtomicFiles.writeString(csv, c.toString());
    }

    void append(EpochMetrics m) throws IOException {
        AtomicFiles.appendLine(jsonl, Json.writeLine(m));
        AtomicFiles.appendLine(csv, m.csvRow());
    }

    /** Reads metrics.jsonl; a bad line is an error naming the file and the line number. */
    public static List<EpochMetrics> read(Path jsonl) throws IOException {
        List<EpochMetrics> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(Json.parse(line, EpochMetrics.class, jsonl + " line " + (i + 1)));
            } catch (IllegalArgumentException e) {
                throw new InvalidRunException(e.getMessage(), e);
            }
        }
        return out;
    }
}
