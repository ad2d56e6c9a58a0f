package dev.vaeforge.serve;

import java.util.Arrays;

/**
 * One input or output of an operation as the protocol's metadata states it: name, datatype ("FP32",
 * "INT64") and shape with -1 for the dynamic batch, plus what its values must satisfy.
 *
 * @param check  the rule every value of an input must pass before it reaches ONNX Runtime
 * @param limit  for {@link Check#CODE}: the number of codes K (values in 0..K-1)
 */
record TensorMeta(String name, String datatype, long[] shape, Check check, long limit) {
    /** What an input's values must be. */
    enum Check {
        /** Pixels: finite, in [0, 1]. */
        PIXELS,
        /** Any finite float. */
        FINITE,
        /** Condition entries: finite, in [0, 1] (one-hot labels, 0/1 attributes). */
        UNIT,
        /** Code indices in 0..limit-1. */
        CODE,
        /** Any 64-bit integer (seeds). */
        ANY_INTEGER
    }

    TensorMeta {
        shape = shape.clone();
    }

    static TensorMeta fp32(String name, Check check, long... itemShape) {
        return new TensorMeta(name, "FP32", batched(itemShape), check, 0);
    }

    static TensorMeta int64(String name, Check check, long limit, long... itemShape) {
        return new TensorMeta(name, "INT64", batched(itemShape), check, limit);
    }

    /** The shape without the batch dimension. */
    long[] itemShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    private static long[] batched(long[] itemShape) {
        long[] s = new long[itemShape.length + 1];
        s[0] = -1;
        System.arraycopy(itemShape, 0, s, 1, itemShape.length);
        return s;
    }
}
