package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a whole NumPy {@code .npy} array of float32 into memory (small arrays: priors, latents of a
 * few thousand rows). Little- and big-endian {@code f4}, C order; the header must match the file size
 * exactly ({@link NpyHeader}). Errors name the file and what was expected.
 */
public final class NpyReader {
    /** The most values read into one array (2 GiB of floats would not fit a Java array anyway). */
    public static final long MAX_VALUES = 1L << 28;

    private NpyReader() {
    }

    /** An array's shape and its values in C order. */
    public record Float32Array(long[] shape, float[] values) {
    }

    public static Float32Array readFloat32(Path file) throws IOException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = NpyHeader.read(ch, name);
            String d = h.descr();
            boolean little = d.equals("<f4") || d.equals("=f4");
            if (!little && !d.equals(">f4")) {
                throw new DataFileException(name, "dtype " + d + " where float32 (<f4) was expected");
            }
            if (h.fortranOrder()) {
                throw new DataFileException(name, "Fortran-ordered array; save it in C order (numpy.ascontiguousarray)");
            }
            long n = h.elements();
            if (n > MAX_VALUES) {
                throw new DataFileException(name, "shape " + h.shapeText() + " holds " + n + " values, more than the "
                        + MAX_VALUES + " read into memory at once");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) (4 * n)).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long pos = h.dataOffset();
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) {
                    throw new DataFileException(name, "the file ended while its data was read (changed meanwhile?)");
                }
            }
            buf.flip();
            float[] values = new float[(int) n];
            buf.asFloatBuffer().get(values);
            return new Float32Array(h.shape().clone(), values);
        } catch (NoSuchFileException e) {
            throw new DataFileException(name, "no such file");
        }
    }
}
