package dev.vaeforge.trainer.run;

import dev.vaeforge.trainer.train.EpochMetrics;

/**
 * The content of {@code checkpoint.json}: where the parameters are and how to check them.
 *
 * @param params the DJL parameter file's name inside the checkpoint directory ("vae-0001.params")
 * @param paramsSha256 hex SHA-256 of that file
 */
public record CheckpointInfo(int formatVersion, int epoch, long step, String params, String paramsSha256,
                             long paramsBytes, EpochMetrics metrics, String createdAt) {
}
