package dev.vaeforge.trainer.run;

import dev.vaeforge.runtime.data.ImageDataset;

/**
 * Which data a run was trained on, for provenance: the spec as given, the reader's description, and
 * fingerprints of the whole dataset and of both parts of the split.
 */
public record DatasetInfo(String spec, String description, String fingerprint, String imageShape, int images,
                          int trainImages, String trainFingerprint, int testImages, String testFingerprint) {

    public static DatasetInfo of(String spec, ImageDataset all, ImageDataset train, ImageDataset test) {
        return new DatasetInfo(spec, all.description(), all.fingerprint(), all.shape().toString(), all.size(),
                train.size(), train.fingerprint(), test.size(), test.fingerprint());
    }
}
