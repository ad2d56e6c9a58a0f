package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constant scalars for arithmetic on the autograd path. Do not pass a Java number to DJL's
 * {@code mul}, {@code div}, {@code pow}, {@code maximum} or {@code minimum} there: DJL 0.35's PyTorch
 * engine wraps the number with {@code from_blob} over a direct ByteBuffer and closes it right after
 * the op, while autograd keeps the tensor for the backward pass; once the garbage collector frees
 * the buffer, backward reads freed memory (NaN gradients that appeared only when GC ran, found by
 * the benchmark harness). These scalars are allocated by libtorch and live in the operand's manager
 * until that manager (the training step's) is closed.
 */
public final class Scalars {
    private Scalars() {
    }

    /** {@code value} as a 0-d tensor of {@code like}'s type, in {@code like}'s manager. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    public static NDArray mul(NDArray a, double value) {
        return a.mul(of(a, value));
    }

    public static NDArray maximum(NDArray a, double value) {
        return a.maximum(of(a, value));
    }
}
