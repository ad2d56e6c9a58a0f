package dev.vaeforge.runtime.data;

import java.util.Arrays;
import java.util.List;

/** A view of some images of another dataset, e.g. a seeded train/test split. */
public final class Subset implements ImageDataset {
    private final ImageDataset base;
    private final int[] indices;
    private final String name;

    public Subset(ImageDataset base, int[] indices, String name) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IndexOutOfBoundsException(name + ": index " + i + " outside " + base.description());
            }
        }
        this.base = base;
        this.indices = indices.clone();
        this.name = name;
    }

    /**
     * Splits {@code base} with a seeded shuffle into {@code [train, test]}; {@code testCount} images go
     * to the test part. The same seed always gives the same split.
     */
    public static Subset[] split(ImageDataset base, int testCount, long seed) {
        int n = base.size();
        if (testCount < 0 || testCount >= n) {
            throw new IllegalArgumentException("test split of " + testCount + " images needs 0 <= count < " + n
                    + " (" + base.description() + ")");
        }
        int[] perm = SplitSizes.permutation(n, seed);
        int[] test = Arrays.copyOfRange(perm, 0, testCount);
        int[] train = Arrays.copyOfRange(perm, testCount, n);
        Arrays.sort(test);
        Arrays.sort(train);
        return new Subset[] {new Subset(base, train, "train"), new Subset(base, test, "test")};
    }

    @Override
    public ImageShape shape() {
        return base.shape();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        base.read(indices[index], dst, offset);
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public List<String> labelNames() {
        return base.labelNames();
    }

    @Override
    public List<String> attributeNames() {
        return base.attributeNames();
    }

    @Override
    public float[] attributes(int index) {
        return base.attributes(indices[index]);
    }

    /** The items the whole dataset left out: a part cannot tell which of them would have been its own. */
    @Override
    public List<BadFile> skipped() {
        return base.skipped();
    }

    /** The part's name, e.g. "train". */
    public String name() {
        return name;
    }

    /** The dataset this is a part of. */
    public ImageDataset base() {
        return base;
    }

    /** Index in {@link #base()} of image {@code index}. */
    public int baseIndex(int index) {
        return indices[index];
    }

    @Override
    public String description() {
        return base.description() + " [" + name + ": " + indices.length + " images]";
    }

    @Override
    public String fingerprint() {
        return base.fingerprint() + ":" + name + ":" + Integer.toHexString(Arrays.hashCode(indices));
    }
}
