package dev.vaeforge.serve;

import java.util.Arrays;
import java.util.List;

/**
 * A batch of {@code n} items of one tensor: FP32 or INT64 values, row-major, each item of shape
 * {@code itemShape} (the tensor's shape without its batch dimension). Exactly one of {@code floats} and
 * {@code longs} is set.
 */
record Values(long[] itemShape, float[] floats, long[] longs, int n) {
    Values {
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("values hold either floats or longs");
        }
        itemShape = itemShape.clone();
        long need = (long) n * perItem(itemShape);
        int have = floats != null ? floats.length : longs.length;
        if (have != need) {
            throw new IllegalArgumentException(have + " values for " + n + " items of " + Arrays.toString(itemShape));
        }
    }

    static Values ofFloats(float[] data, int n, long... itemShape) {
        return new Values(itemShape, data, null, n);
    }

    static Values ofLongs(long[] data, int n, long... itemShape) {
        return new Values(itemShape, null, data, n);
    }

    static int perItem(long[] itemShape) {
        long p = 1;
        for (long d : itemShape) {
            p *= d;
        }
        return Math.toIntExact(p);
    }

    int perItem() {
        return perItem(itemShape);
    }

    String datatype() {
        return floats != null ? "FP32" : "INT64";
    }

    /** The full shape, batch first. */
    long[] shape() {
        long[] s = new long[itemShape.length + 1];
        s[0] = n;
        System.arraycopy(itemShape, 0, s, 1, itemShape.length);
        return s;
    }

    /** Items {@code from .. from + count - 1}. */
    Values slice(int from, int count) {
        if (from == 0 && count == n) {
            return this;
        }
        int per = perItem();
        if (floats != null) {
            return new Values(itemShape, Arrays.copyOfRange(floats, from * per, (from + count) * per), null, count);
        }
        return new Values(itemShape, null, Arrays.copyOfRange(longs, from * per, (from + count) * per), count);
    }

    /** The items of all {@code parts}, in order; all of one shape and type. */
    static Values concat(List<Values> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Values first = parts.get(0);
        int n = 0;
        for (Values v : parts) {
            n += v.n;
        }
        int per = first.perItem();
        int at = 0;
        if (first.floats != null) {
            float[] out = new float[n * per];
            for (Values v : parts) {
                System.arraycopy(v.floats, 0, out, at, v.floats.length);
                at += v.floats.length;
            }
            return new Values(first.itemShape, out, null, n);
        }
        long[] out = new long[n * per];
        for (Values v : parts) {
            System.arraycopy(v.longs, 0, out, at, v.longs.length);
            at += v.longs.length;
        }
        return new Values(first.itemShape, null, out, n);
    }
}
