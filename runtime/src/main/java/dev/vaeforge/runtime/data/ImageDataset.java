package dev.vaeforge.runtime.data;

import java.util.List;

/**
 * A finite, indexable set of images of one shape, as float CHW in [0,1], with optional class labels.
 * Implementations are safe for concurrent reads.
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
