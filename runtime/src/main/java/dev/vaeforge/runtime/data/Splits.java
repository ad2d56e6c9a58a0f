package dev.vaeforge.runtime.data;

import java.util.Optional;

/**
 * Selects the parts of a dataset: its own split where it has one ({@link ImageDataset#ownSplit}),
 * otherwise the seeded split of {@link SplitSizes}. Both are deterministic, so "the test split" of a
 * spec is the same images in training, reconstruction and evaluation.
 */
public final class Splits {
    private Splits() {
    }

    /** Whether {@code data} comes with a split of its own. */
    public static boolean hasOwn(ImageDataset data) {
        return data.ownSplit(Split.TRAIN).isPresent();
    }

    /**
     * The images of {@code split}, as a {@link Subset} named after it.
     *
     * @throws IllegalArgumentException if that part is empty (e.g. {@code valid} of Fashion-MNIST, whose own
     *                                  split is train/test) or the sizes leave no training images
     */
    public static Subset part(ImageDataset data, Split split, SplitSizes sizes) {
        Optional<int[]> own = data.ownSplit(split);
        int[] indices = own.isPresent() ? own.get() : sizes.indices(split, data.size());
        if (indices.length == 0) {
            throw new IllegalArgumentException(data.description() + " has no " + split + " images ("
                    + describe(data, sizes) + ")" + (split == Split.VALID ? "; use the test split" : ""));
        }
        return new Subset(data, indices, split.id());
    }

    /**
     * The part a training run tests on when the user does not choose: {@code valid} where the dataset's
     * own split has validation images (CelebA) or the seeded split is asked for some, else {@code test}.
     */
    public static Split heldOut(ImageDataset data, SplitSizes sizes) {
        Optional<int[]> valid = data.ownSplit(Split.VALID);
        boolean hasValid = valid.isPresent() ? valid.get().length > 0 : sizes.validFraction() > 0;
        return hasValid ? Split.VALID : Split.TEST;
    }

    /** e.g. "own split: 162770 train, 19867 valid, 19962 test" or "seeded split: 10% test, 0% valid, seed 0". */
    public static String describe(ImageDataset data, SplitSizes sizes) {
        if (!hasOwn(data)) {
            return sizes.describe();
        }
        return "own split: " + data.ownSplit(Split.TRAIN).orElseThrow().length + " train, "
                + data.ownSplit(Split.VALID).orElseThrow().length + " valid, "
                + data.ownSplit(Split.TEST).orElseThrow().length + " test";
    }
}
