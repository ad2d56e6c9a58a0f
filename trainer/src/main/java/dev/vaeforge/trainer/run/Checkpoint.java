package dev.vaeforge.trainer.run;

import dev.vaeforge.trainer.train.EpochMetrics;
import java.nio.file.Path;

/** A complete checkpoint on disk: its directory and its checkpoint.json. */
public record Checkpoint(Path directory, CheckpointInfo info) {
    /** Whole epochs completed at this checkpoint. */
    public int epoch() {
        return info.epoch();
    }

    public RunLayout.Position position() {
        return info.position();
    }

    /** Whether the checkpoint holds the training state a resume needs (format 2). */
    public boolean resumable() {
        return info.state() != null;
    }

    public Path paramsFile() {
        return directory.resolve(info.params());
    }

    /** The finished epoch's metrics; null for a checkpoint taken inside an epoch. */
    public EpochMetrics metrics() {
        return info.metrics();
    }

    /** "checkpoints/epoch-0001", the form used in summary.json. */
    public String relativeName() {
        return RunLayout.CHECKPOINTS + "/" + directory.getFileName();
    }
}
