package dev.vaeforge.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.Objects;

/**
 * One graph input or output as recorded in the manifest: name, dtype ("float32", "int64") and
 * shape, where -1 is a dynamic dimension (always the batch, first). Format v2 adds what the tensor
 * means ({@code role}, one of {@link TensorRole}) and, for a reconstruction, how its values read as
 * pixels ({@code values}: probabilities, logits or pixels). Both are null in a v1 manifest on disk.
 * A latent of several levels tags each latent tensor with the {@code level} (the level's name) it
 * belongs to; null elsewhere. Equality is the whole record; {@link #sameSignature} compares name, dtype and shape only (what
 * ONNX Runtime can report).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TensorSpec(String name, String dtype, long[] shape, String role, String values, String level) {
    public TensorSpec {
        Objects.requireNonNull(name, "tensor name");
        Objects.requireNonNull(dtype, "tensor dtype");
        Objects.requireNonNull(shape, "tensor shape");
        shape = shape.clone();
    }

    /** A tensor of a single-level latent (no {@code level}). */
    public TensorSpec(String name, String dtype, long[] shape, String role, String values) {
        this(name, dtype, shape, role, values, null);
    }

    /** A tensor without a role (v1, or ONNX Runtime's view of a graph). */
    public TensorSpec(String name, String dtype, long[] shape) {
        this(name, dtype, shape, null, null);
    }

    /** A tensor with its role (v2). */
    public TensorSpec(String name, String dtype, long[] shape, String role) {
        this(name, dtype, shape, role, null);
    }

    public TensorSpec withRole(String newRole, String newValues) {
        return new TensorSpec(name, dtype, shape, newRole, newValues, level);
    }

    /** This tensor tagged with the latent level it belongs to (a {@code levels} latent's level name). */
    public TensorSpec atLevel(String newLevel) {
        return new TensorSpec(name, dtype, shape, role, values, newLevel);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether name, dtype and shape equal {@code o}'s (roles aside). */
    public boolean sameSignature(TensorSpec o) {
        return name.equals(o.name) && dtype.equals(o.dtype) && Arrays.equals(shape, o.shape);
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
        return o instanceof TensorSpec t && sameSignature(t) && Objects.equals(role, t.role)
                && Objects.equals(values, t.values) && Objects.equals(level, t.level);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), role, values, level);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + shapeText();
    }
}
