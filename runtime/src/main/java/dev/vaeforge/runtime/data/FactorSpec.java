package dev.vaeforge.runtime.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The discrete ground-truth factors of a dataset: their names, how many classes each has, and the
 * value each class stands for ({@code values[k][c]}: factor k at class c, e.g. dSprites' scale 0.5..1).
 * Disentanglement scores work on the classes; the values are written beside encoded latents.
 */
public record FactorSpec(List<String> names, int[] sizes, double[][] values) {
    public FactorSpec {
        names = List.copyOf(Objects.requireNonNull(names, "names"));
        sizes = sizes.clone();
        if (names.size() != sizes.length || values.length != sizes.length) {
            throw new IllegalArgumentException(names.size() + " factor names, " + sizes.length + " sizes and "
                    + values.length + " value lists: expected one of each per factor");
        }
        if (sizes.length == 0) {
            throw new IllegalArgumentException("a factor spec needs at least one factor");
        }
        double[][] copy = new double[values.length][];
        for (int k = 0; k < sizes.length; k++) {
            if (sizes[k] < 1 || values[k].length != sizes[k]) {
                throw new IllegalArgumentException("factor " + names.get(k) + " has " + sizes[k] + " classes and "
                        + values[k].length + " values; expected as many values as classes, at least one");
            }
            copy[k] = values[k].clone();
        }
        values = copy;
    }

    /** Factors whose classes are 0..size-1 and whose values are the class numbers. */
    public static FactorSpec ofClasses(List<String> names, int[] sizes) {
        double[][] v = new double[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
            v[k] = new double[Math.max(sizes[k], 0)];
            for (int c = 0; c < v[k].length; c++) {
                v[k][c] = c;
            }
        }
        return new FactorSpec(names, sizes, v);
    }

    public int count() {
        return sizes.length;
    }

    /** Classes of factor {@code k}. */
    public int size(int k) {
        return sizes[k];
    }

    /** Number of class combinations, the product of the sizes. */
    public long combinations() {
        long n = 1;
        for (int s : sizes) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** The C-order index of a class combination (the last factor varies fastest). */
    public long index(int[] classes) {
        long i = 0;
        for (int k = 0; k < sizes.length; k++) {
            if (classes[k] < 0 || classes[k] >= sizes[k]) {
                throw new IllegalArgumentException("factor " + names.get(k) + " class " + classes[k]
                        + " outside 0.." + (sizes[k] - 1));
            }
            i = i * sizes[k] + classes[k];
        }
        return i;
    }

    /** The class combination of C-order index {@code index}, into {@code dst}. */
    public void classes(long index, int[] dst) {
        for (int k = sizes.length - 1; k >= 0; k--) {
            dst[k] = (int) (index % sizes[k]);
            index /= sizes[k];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FactorSpec f && names.equals(f.names) && Arrays.equals(sizes, f.sizes)
                && Arrays.deepEquals(values, f.values);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.hashCode(sizes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < sizes.length; k++) {
            sb.append(k == 0 ? "" : " x ").append(sizes[k]).append(' ').append(names.get(k));
        }
        return sb.toString();
    }
}
