package dev.vaeforge.runtime.data;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
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
    public String description() {
        return base.description() + " [" + name + ": " + indices.length + " images]";
    }

    @Override
    public String fingerprint() {
        return base.fingerprint() + ":" + name + ":" + Integer.toHexString(Arrays.hashCode(indices));
    }
}
