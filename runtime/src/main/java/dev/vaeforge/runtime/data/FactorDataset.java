package dev.vaeforge.runtime.data;

import java.util.Optional;

/**
 * A dataset whose images come from known discrete factors ({@link FactorSpec}): each image's factor
 * classes, and an image for any combination of classes (so a score can hold one factor fixed and vary
 * the others, as the BetaVAE and FactorVAE scores do). dSprites, an {@code npz:} dSprites file and the
 * CLI's {@code shapes} implement it.
 */
public interface FactorDataset extends ImageDataset {
    FactorSpec factors();

    /** The factor classes of image {@code index}, one per factor, into {@code dst}. */
    void factorClasses(int index, int[] dst);

    /**
     * An image whose factors are {@code classes}, CHW floats in [0, 1] into {@code dst[offset..]}.
     *
     * @throws IllegalArgumentException if a class is out of range or the dataset holds no such image
     */
    void render(int[] classes, float[] dst, int offset);

    /** The factor dataset under {@code data} (looking through {@link Subset}s), if there is one. */
    static Optional<FactorDataset> of(ImageDataset data) {
        if (data instanceof FactorDataset f) {
            return Optional.of(f);
        }
        if (data instanceof Subset s) {
            return of(s.base());
        }
        return Optional.empty();
    }

    /**
     * The factor classes of image {@code index} of {@code data}, which is a factor dataset or a subset of
     * one ({@link #of} is present).
     */
    static void classesAt(ImageDataset data, int index, int[] dst) {
        if (data instanceof FactorDataset f) {
            f.factorClasses(index, dst);
        } else if (data instanceof Subset s) {
            classesAt(s.base(), s.baseIndex(index), dst);
        } else {
            throw new IllegalArgumentException(data.description() + " has no ground-truth factors");
        }
    }
}
