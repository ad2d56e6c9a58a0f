package dev.vaeforge.serve;

import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.util.Arrays;

/**
 * One input of an {@code /infer} request while it is read: what the JSON header said (name, datatype,
 * shape, {@code binary_data_size}) and the values, from the JSON {@code data} ({@link JsonTensorData}) or
 * the binary part ({@link BinaryTensorData}), before {@link InferRequestChecks} checks them.
 */
final class RawInput {
    final int index;
    String name;
    String datatype;
    long[] shape;
    Long binarySize;
    FloatArray floats;
    LongArray longs;
    /** data that came before the name or datatype, kept as tokens until they are known */
    TokenBuffer pending;

    RawInput(int index) {
        this.index = index;
    }

    String label() {
        return name == null ? "inputs[" + index + "]" : "input '" + name + "'";
    }

    /** The number of values its shape holds; 400 for a negative or too large shape. */
    long count() {
        return count(shape, label());
    }

    static long count(long[] shape, String label) {
        long c = 1;
        for (long d : shape) {
            if (d < 0) {
                throw HttpError.badRequest(label + ".shape: " + Arrays.toString(shape) + " has a negative dimension");
            }
            c = Math.multiplyExact(c, Math.min(d, Integer.MAX_VALUE));
            if (c > Integer.MAX_VALUE) {
                throw HttpError.badRequest(label + ".shape: " + Arrays.toString(shape) + " is too large");
            }
        }
        return c;
    }

    static final class FloatArray {
        float[] data;
        int size;

        FloatArray() {
            this(64);
        }

        FloatArray(int capacity) {
            data = new float[Math.max(1, capacity)];
        }

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        float[] trimmed() {
            return size == data.length ? data : Arrays.copyOf(data, size);
        }
    }

    static final class LongArray {
        long[] data;
        int size;

        LongArray() {
            this(16);
        }

        LongArray(int capacity) {
            data = new long[Math.max(1, capacity)];
        }

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        long[] trimmed() {
            return size == data.length ? data : Arrays.copyOf(data, size);
        }
    }
}
