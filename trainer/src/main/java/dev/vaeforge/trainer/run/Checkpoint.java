package dev.vaeforge.trainer.run;

import dev.vaeforge.trainer.train.EpochMetrics;
import java.nio.file.Path;

/** A complete checkpoint on disk: its directory and its checkpoint.json. */
public record Checkpoint(Path directory, CheckpointInfo info) {
    public int epoch() {
        return info.epoch();
    }

    public Path paramsFile() {
        return directory.resolve(info.params());
    }

    public EpochMetrics metrics() {
        return info.metrics();
    }

    /** "checkpoints/epoch-0001", the form used in summary.json. */
    public String relativeName() {
        return RunLayout.CHECKPOINTS + "/" + directory.getFileName();
    }
}
