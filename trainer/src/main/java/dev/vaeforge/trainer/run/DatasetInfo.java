package dev.vaeforge.trainer.run;

import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.Subset;

/**
 * Which data a run was trained on, for provenance: the spec as given, the reader's description, and
 * fingerprints of the whole dataset and of both parts of the split.
 *
 * @param split   how the parts were chosen, e.g. "own split: 60000 train, 0 valid, 10000 test; tested on
 *                test" or "seeded split: 10% test, 0% valid, seed 0; tested on test"; null in runs
 *                written before it was recorded
 * @param skipped items the dataset left out as bad (listed in skipped.tsv); 0 in older runs
 */
public record DatasetInfo(String spec, String description, String fingerprint, String imageShape, int images,
                          int trainImages, String trainFingerprint, int testImages, String testFingerprint,
                          String split, int skipped) {

    public static DatasetInfo of(String spec, ImageDataset all, ImageDataset train, ImageDataset test) {
        String split = train instanceof Subset && test instanceof Subset
                ? "seeded split of " + train.size() + " train and " + test.size() + " test images" : null;
        return of(spec, all, train, test, split);
    }

    public static DatasetInfo of(String spec, ImageDataset all, ImageDataset train, ImageDataset test, String split) {
        return new DatasetInfo(spec, all.description(), all.fingerprint(), all.shape().toString(), all.size(),
                train.size(), train.fingerprint(), test.size(), test.fingerprint(), split, all.skipped().size());
    }
}
