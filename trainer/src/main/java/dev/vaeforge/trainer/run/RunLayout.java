package dev.vaeforge.trainer.run;

import java.util.Locale;

/** File names and format versions of a run directory; trainer/README.md documents the layout. */
public final class RunLayout {
    /** The "format" value in config.json. */
    public static final String FORMAT = "vaeforge-run";
    /**
     * Version of config.json, checkpoint.json and summary.json; readers reject newer versions.
     * Version 2 checkpoints hold the full training state (decision 0008); version 1 held weights only.
     */
    public static final int FORMAT_VERSION = 2;

    public static final String CONFIG = "config.json";
    public static final String METRICS_JSONL = "metrics.jsonl";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String SUMMARY = "summary.json";
    public static final String CHECKPOINTS = "checkpoints";
    /** Items the dataset left out (skip-bad), one "path TAB reason" line each; absent when none were. */
    public static final String SKIPPED = "skipped.tsv";
    public static final String CHECKPOINT_INFO = "checkpoint.json";
    /** SHA-256 of checkpoint.json in sha256sum's format; written last (format 2). */
    public static final String CHECKPOINT_SUM = "checkpoint.sha256";
    /** Adam's moments and step counts (format 2). */
    public static final String OPTIMIZER = "optimizer.bin";
    /** Prefix of a checkpoint being written; never a complete checkpoint. */
    static final String TMP_PREFIX = ".tmp-";
    /** Prefix of a checkpoint being deleted; never a complete checkpoint. */
    static final String TRASH_PREFIX = ".trash-";
    /** Prefix a corrupt checkpoint is renamed to when a resume passes over it; kept for inspection. */
    static final String CORRUPT_PREFIX = "corrupt-";

    private RunLayout() {
    }

    /**
     * Where in the run a checkpoint was taken: after {@code completedEpochs} whole epochs and
     * {@code batchesDone} batches of the next one. Orders checkpoints without reading them.
     */
    public record Position(int completedEpochs, int batchesDone) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            int c = Integer.compare(completedEpochs, o.completedEpochs);
            return c != 0 ? c : Integer.compare(batchesDone, o.batchesDone);
        }

        /** "epoch-0002" at the end of an epoch, "epoch-0003-batch-0005" inside one. */
        public String directoryName() {
            return batchesDone == 0 ? checkpointName(completedEpochs)
                    : String.format(Locale.ROOT, "epoch-%04d-batch-%04d", completedEpochs + 1, batchesDone);
        }
    }

    /** "epoch-0001": sorts by name in epoch order up to epoch 9999. */
    public static String checkpointName(int epoch) {
        return String.format(Locale.ROOT, "epoch-%04d", epoch);
    }

    /** The position a checkpoint directory name stands for, or null if the name is not a checkpoint's. */
    static Position positionOf(String name) {
        String[] parts = name.split("-", -1);
        try {
            if (parts.length == 2 && parts[0].equals("epoch")) {
                int e = Integer.parseInt(parts[1]);
                return e >= 1 && checkpointName(e).equals(name) ? new Position(e, 0) : null;
            }
            if (parts.length == 4 && parts[0].equals("epoch") && parts[2].equals("batch")) {
                int e = Integer.parseInt(parts[1]);
                int b = Integer.parseInt(parts[3]);
                Position p = new Position(e - 1, b);
                return e >= 1 && b >= 1 && p.directoryName().equals(name) ? p : null;
            }
        } catch (NumberFormatException ex) {
            return null;
        }
        return null;
    }
}
