package dev.vaeforge.runtime.bundle;

import java.util.Arrays;
import java.util.Objects;

/**
 * One graph input or output as recorded in the manifest: name, dtype ("float32", "int64") and
 * shape, where -1 is a dynamic dimension (always the batch, first).
 */
public record TensorSpec(String name, String dtype, long[] shape) {
    public TensorSpec {
        Objects.requireNonNull(name, "tensor name");
        Objects.requireNonNull(dtype, "tensor dtype");
        Objects.requireNonNull(shape, "tensor shape");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Shape as text, e.g. [N,1,64,64]. */
    public String shapeText() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? "," : "").append(shape[i] < 0 ? "N" : Long.toString(shape[i]));
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ":" + dtype + shapeText();
    }
}
