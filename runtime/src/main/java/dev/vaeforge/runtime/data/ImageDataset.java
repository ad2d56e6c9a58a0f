package dev.vaeforge.runtime.data;

import java.util.List;
import java.util.Optional;

/**
 * A finite, indexable set of images of one shape, as float CHW in [0,1], with optional class labels,
 * optional binary attributes (CelebA's 40) and optionally a split of its own. Implementations are safe
 * for concurrent reads.
 */
public interface ImageDataset {
    ImageShape shape();

    int size();

    /** Writes image {@code index} as CHW floats in [0,1] into {@code dst} starting at {@code offset}. */
    void read(int index, float[] dst, int offset);

    /** Class label of image {@code index}, or -1 when the dataset has no labels. */
    default int label(int index) {
        return -1;
    }

    /** Names of the classes, index = label; empty when the dataset has no labels. */
    default List<String> labelNames() {
        return List.of();
    }

    /** Names of the binary attributes, in the order of {@link #attributes}; empty when there are none. */
    default List<String> attributeNames() {
        return List.of();
    }

    /**
     * The attributes of image {@code index} as a multi-hot vector: 1 where the image has the attribute,
     * 0 where not, one entry per {@link #attributeNames()} entry (CelebA's -1 becomes 0).
     */
    default float[] attributes(int index) {
        return new float[0];
    }

    /**
     * The indices of {@code split} in the dataset's own split (CelebA's partition file, IDX train/t10k),
     * ascending; empty when the dataset has no split of its own (then {@link Splits} makes a seeded one).
     * A present but empty array means the dataset has its own split but no images in that part.
     */
    default Optional<int[]> ownSplit(Split split) {
        return Optional.empty();
    }

    /** Files or items left out because they could not be used (empty unless skip-bad was set). */
    default List<BadFile> skipped() {
        return List.of();
    }

    /** Human-readable description, e.g. "shapes (1024 images, 1x64x64)". */
    String description();

    /** A stable fingerprint of the content and preprocessing (hex), for provenance and caches. */
    String fingerprint();

    /** Reads images {@code [from, from + count)} into one NCHW batch. */
    default float[] batch(int[] indices, int from, int count) {
        int per = shape().size();
        float[] out = new float[count * per];
        for (int i = 0; i < count; i++) {
            read(indices[from + i], out, i * per);
        }
        return out;
    }
}
