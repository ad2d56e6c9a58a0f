package dev.vaeforge.trainer.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.util.Map;

/**
 * The content of {@code checkpoint.json}: where the parameters are, how to check every file, and
 * (format 2) the training state needed to continue exactly.
 *
 * @param epoch whole epochs completed when the checkpoint was taken
 * @param batch batches of the next epoch done (0 for a checkpoint at the end of an epoch; absent in format 1)
 * @param params the DJL parameter file's name inside the checkpoint directory ("vae.params")
 * @param paramsSha256 hex SHA-256 of that file
 * @param metrics the finished epoch's metrics for a checkpoint at the end of an epoch; null inside an
 *     epoch (those weights have no test loss)
 * @param files every other file of the checkpoint with its SHA-256 and size (format 2)
 * @param state the training state (format 2; null for a weights-only checkpoint)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointInfo(int formatVersion, int epoch, int batch, long step, String params, String paramsSha256,
                             long paramsBytes, EpochMetrics metrics, String createdAt, Map<String, FileDigest> files,
                             TrainingState state) {

    /** A file's SHA-256 (hex) and size in bytes. */
    public record FileDigest(String sha256, long bytes) {
    }

    public RunLayout.Position position() {
        return new RunLayout.Position(epoch, batch);
    }
}
