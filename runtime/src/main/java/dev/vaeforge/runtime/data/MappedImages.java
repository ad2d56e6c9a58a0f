package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageConversion;
import java.nio.ByteOrder;

/**
 * {@code count} images stored one after another in a {@link MappedBytes} region, as uint8 samples
 * (divided by 255 when read) or float32 samples (read as they are), in NCHW or NHWC order. Reads give
 * CHW floats of the stored shape, or converted to another shape by the rules of {@link ImageConversion}.
 */
final class MappedImages {
    /** The order of one image's samples. */
    enum Layout {
        /** Channels, then rows, then columns: what models take. */
        NCHW,
        /** Rows, then columns, then channels: what image files and most NumPy code hold. */
        NHWC
    }

    /** The sample type. */
    enum DType {
        U8(1), F32_LE(4), F32_BE(4);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final float INV_255 = 1f / 255f;

    private final MappedBytes bytes;
    private final int count;
    private final ImageShape shape;
    private final Layout layout;
    private final DType dtype;

    MappedImages(MappedBytes bytes, int count, ImageShape shape, Layout layout, DType dtype) {
        long need = (long) count * shape.size() * dtype.bytes;
        if (bytes.length() != need) {
            throw new IllegalArgumentException(bytes.length() + " bytes for " + count + " images of " + shape
                    + " " + dtype + ", expected " + need);
        }
        this.bytes = bytes;
        this.count = count;
        this.shape = shape;
        this.layout = layout;
        this.dtype = dtype;
    }

    int count() {
        return count;
    }

    /** The stored shape. */
    ImageShape shape() {
        return shape;
    }

    /** Writes image {@code index} as CHW floats of the stored shape into {@code dst[off..]}. */
    void read(int index, float[] dst, int off) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("image " + index + " of " + count);
        }
        try {
            readStored(index, dst, off);
        } catch (InternalError e) {
            throw bytes.shrunk(e);
        }
    }

    private void readStored(int index, float[] dst, int off) {
        int n = shape.size();
        long position = (long) index * n * dtype.bytes;
        boolean transpose = layout == Layout.NHWC && shape.channels() > 1;
        float[] target = transpose ? new float[n] : dst;
        int to = transpose ? 0 : off;
        if (dtype == DType.U8) {
            byte[] raw = new byte[n];
            bytes.get(position, raw, 0, n);
            for (int i = 0; i < n; i++) {
                target[to + i] = (raw[i] & 0xff) * INV_255;
            }
        } else {
            bytes.getFloats(position, dtype == DType.F32_LE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, target,
                    to, n);
        }
        if (transpose) {
            int c = shape.channels();
            int plane = shape.height() * shape.width();
            for (int p = 0; p < plane; p++) {
                for (int k = 0; k < c; k++) {
                    dst[off + k * plane + p] = target[p * c + k];
                }
            }
        }
    }

    /**
     * Image {@code index} converted to {@code target} (channels by the gray/RGB rules; size by centre crop and
     * resize, which the caller has allowed).
     */
    void read(int index, ImageShape target, float[] dst, int off) {
        if (target.equals(shape)) {
            read(index, dst, off);
            return;
        }
        float[] chw = new float[shape.size()];
        read(index, chw, 0);
        float[] out = ImageConversion.fit(FloatImage.of(shape, chw), target).data();
        System.arraycopy(out, 0, dst, off, out.length);
    }
}
