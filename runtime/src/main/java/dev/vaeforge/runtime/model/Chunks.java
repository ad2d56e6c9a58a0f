package dev.vaeforge.runtime.model;

/**
 * The one batching loop: items 0..n-1 in consecutive chunks of at most {@code max}, so that a large
 * input never becomes one huge native tensor, and slices of row-major arrays for each chunk.
 */
public final class Chunks {
    private Chunks() {
    }

    /** What runs on one chunk: items {@code from .. from + count - 1}. */
    @FunctionalInterface
    public interface Body<E extends Exception> {
        void run(int from, int count) throws E;
    }

    /** Runs {@code body} on [0, max), [max, 2 max), ... up to {@code n}; nothing when n = 0. */
    public static <E extends Exception> void forEach(int n, int max, Body<E> body) throws E {
        if (max < 1) {
            throw new IllegalArgumentException("chunk size must be >= 1, got " + max);
        }
        for (int from = 0; from < n; from += max) {
            body.run(from, Math.min(max, n - from));
        }
    }

    /** Items {@code from .. from + count - 1} of {@code data} with {@code per} values each; {@code data} itself when that is all of it. */
    public static float[] slice(float[] data, int from, int count, int per) {
        if (data == null) {
            return null;
        }
        if (from == 0 && (long) count * per == data.length) {
            return data;
        }
        float[] out = new float[count * per];
        System.arraycopy(data, from * per, out, 0, count * per);
        return out;
    }

    /** As {@link #slice(float[], int, int, int)} for int64 values. */
    public static long[] slice(long[] data, int from, int count, int per) {
        if (from == 0 && (long) count * per == data.length) {
            return data;
        }
        long[] out = new long[count * per];
        System.arraycopy(data, from * per, out, 0, count * per);
        return out;
    }
}
