package dev.vaeforge.runtime.condition;

import dev.vaeforge.runtime.data.ImageDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The condition vector y of every image of a dataset, in the order of a model's {@link ConditionSpec}:
 * what training, reconstruction and evaluation of a conditional model feed next to the images.
 * Labels are matched by class name, not by index, so a dataset whose classes are a subset of the
 * model's (or listed in another order) is read correctly. Safe for concurrent reads.
 */
public final class DatasetConditions {
    private final ConditionSpec spec;
    private final IntFunction<float[]> perImage;

    private DatasetConditions(ConditionSpec spec, IntFunction<float[]> perImage) {
        this.spec = spec;
        this.perImage = perImage;
    }

    /**
     * The conditions {@code data} provides for a model conditioned on {@code spec}.
     *
     * @throws IllegalArgumentException naming the dataset and what it lacks (labels, a class, attributes)
     */
    public static DatasetConditions of(ConditionSpec spec, ImageDataset data) {
        Objects.requireNonNull(spec, "spec");
        return switch (spec.kind()) {
            case LABELS -> labels(spec, data);
            case ATTRIBUTES -> {
                if (data.attributeNames().isEmpty()) {
                    throw new IllegalArgumentException("dataset " + data.description() + " has no attributes; the model"
                            + " is conditioned on " + spec.describe() + " and needs a dataset that has them"
                            + " (CelebA's list_attr_celeba.txt)");
                }
                yield attributes(spec, data.attributeNames(), data::attributes);
            }
        };
    }

    /** The same condition for every image (e.g. label 2 for a folder without classes). */
    public static DatasetConditions fixed(Condition c) {
        float[] y = c.vector();
        return new DatasetConditions(c.spec(), i -> y);
    }

    private static DatasetConditions labels(ConditionSpec spec, ImageDataset data) {
        List<String> classes = data.labelNames();
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("dataset " + data.description() + " has no class labels; the model is"
                    + " conditioned on " + spec.describe() + " (shapes has labels; folder datasets take them from"
                    + " DIR/<class>/ sub-folders)");
        }
        int[] toSpec = new int[classes.size()];
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            toSpec[i] = spec.names().indexOf(classes.get(i));
            if (toSpec[i] < 0) {
                unknown.add(classes.get(i));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("dataset " + data.description() + " has class(es) " + unknown
                    + " that the model does not know; its classes: " + String.join(", ", spec.names()));
        }
        int a = spec.dim();
        return new DatasetConditions(spec, index -> {
            int label = data.label(index);
            if (label < 0 || label >= toSpec.length) {
                throw new IllegalArgumentException("image " + index + " of " + data.description() + " has no class"
                        + " label (got " + label + "); a model conditioned on labels needs one for every image");
            }
            float[] y = new float[a];
            y[toSpec[label]] = 1f;
            return y;
        });
    }

    /**
     * Attributes of a dataset that has them, selected and ordered by {@code spec}'s names.
     *
     * @param available the dataset's attribute names, in the order of {@code perImage}'s vectors
     * @param perImage the multi-hot attribute vector of image i (1 = has it, 0 = not)
     * @throws IllegalArgumentException naming a condition the dataset does not have and the ones it has
     */
    public static DatasetConditions attributes(ConditionSpec spec, List<String> available, IntFunction<float[]> perImage) {
        if (spec.kind() != ConditionKind.ATTRIBUTES) {
            throw new IllegalArgumentException("the model is conditioned on " + spec.describe() + ", not on attributes");
        }
        int[] from = new int[spec.dim()];
        for (int i = 0; i < from.length; i++) {
            from[i] = available.indexOf(spec.names().get(i));
            if (from[i] < 0) {
                throw new IllegalArgumentException("the dataset has no attribute '" + spec.names().get(i)
                        + "'; it has: " + String.join(", ", available));
            }
        }
        int n = available.size();
        return new DatasetConditions(spec, index -> {
            float[] all = perImage.apply(index);
            if (all.length != n) {
                throw new IllegalArgumentException("image " + index + " has " + all.length + " attribute values, expected "
                        + n);
            }
            float[] y = new float[from.length];
            for (int i = 0; i < from.length; i++) {
                y[i] = all[from[i]] > 0 ? 1f : 0f;
            }
            return y;
        });
    }

    public ConditionSpec spec() {
        return spec;
    }

    /** A = the width of y. */
    public int dim() {
        return spec.dim();
    }

    /** y of image {@code index}. */
    public float[] get(int index) {
        return perImage.apply(index).clone();
    }

    /** y of images {@code order[from .. from+count)}, [count, A] row-major. */
    public float[] batch(int[] order, int from, int count) {
        int a = dim();
        float[] out = new float[count * a];
        for (int i = 0; i < count; i++) {
            System.arraycopy(perImage.apply(order[from + i]), 0, out, i * a, a);
        }
        return out;
    }

    /** y of images {@code from .. from+count)} in dataset order. */
    public float[] range(int from, int count) {
        int a = dim();
        float[] out = new float[count * a];
        for (int i = 0; i < count; i++) {
            System.arraycopy(perImage.apply(from + i), 0, out, i * a, a);
        }
        return out;
    }
}
