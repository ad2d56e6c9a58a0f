package dev.vaeforge.runtime.model;

/**
 * A graph input on the Java side: float32 or int64 values, row-major, with their shape (batch first).
 * Exactly one of {@code floats} and {@code longs} is set.
 */
public record Tensor(float[] floats, long[] longs, long[] shape) {
    public Tensor {
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("a tensor holds either floats or longs");
        }
        shape = shape.clone();
    }

    public static Tensor of(float[] data, long... shape) {
        return new Tensor(data, null, shape);
    }

    public static Tensor of(long[] data, long... shape) {
        return new Tensor(null, data, shape);
    }
}
