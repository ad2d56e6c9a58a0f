package dev.vaeforge.trainer.run;

import java.util.Locale;

/** File names and format versions of a run directory; trainer/README.md documents the layout. */
public final class RunLayout {
    /** The "format" value in config.json. */
    public static final String FORMAT = "vaeforge-run";
    /** Version of config.json, checkpoint.json and summary.json; readers reject newer versions. */
    public static final int FORMAT_VERSION = 1;

    public static final String CONFIG = "config.json";
    public static final String METRICS_JSONL = "metrics.jsonl";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String SUMMARY = "summary.json";
    public static final String CHECKPOINTS = "checkpoints";
    /** Items the dataset left out (skip-bad), one "path TAB reason" line each; absent when none were. */
    public static final String SKIPPED = "skipped.tsv";
    public static final String CHECKPOINT_INFO = "checkpoint.json";
    /** Prefix of a checkpoint being written; never a complete checkpoint. */
    static final String TMP_PREFIX = ".tmp-";
    /** Prefix of a checkpoint being deleted; never a complete checkpoint. */
    static final String TRASH_PREFIX = ".trash-";

    private RunLayout() {
    }

    /** "epoch-0001": sorts by name in epoch order up to epoch 9999. */
    public static String checkpointName(int epoch) {
        return String.format(Locale.ROOT, "epoch-%04d", epoch);
    }

    /** The epoch of a checkpoint directory name, or -1 if the name is not one. */
    static int epochOf(String name) {
        if (!name.startsWith("epoch-") || name.length() < 10) {
            return -1;
        }
        try {
            int e = Integer.parseInt(name.substring(6));
            return e >= 1 && checkpointName(e).equals(name) ? e : -1;
        } catch (NumberFormatException ex) {
            return -1;
        }
    }
}
