package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A numeric NumPy {@code .npy} array read row block by row block (a row = everything after the first
 * axis), for latents and factors: float32/float64 and (u)int8..64, either byte order, C order. Nothing
 * but the requested rows is read, so memory stays bounded by the caller's block size. The header is
 * checked by {@link NpyHeader} (the file size must match the shape).
 */
public final class NpyArray implements AutoCloseable {
    private final String name;
    private final NpyHeader header;
    private final FileChannel channel;
    private final String type;
    private final int itemSize;
    private final long rowElements;

    private NpyArray(String name, NpyHeader header, FileChannel channel) throws DataFileException {
        this.name = name;
        this.header = header;
        this.channel = channel;
        this.type = header.descr().replaceAll("^[<>|=]", "");
        this.itemSize = header.itemSize();
        if (!type.matches("f4|f8|[iu][1248]")) {
            throw new DataFileException(name, "has dtype '" + header.descr() + "'; expected float32, float64 or an"
                    + " integer type");
        }
        if (header.fortranOrder()) {
            throw new DataFileException(name, "is Fortran-ordered; save it with np.save(f, np.ascontiguousarray(a))");
        }
        if (header.shape().length == 0) {
            throw new DataFileException(name, "is a scalar; expected an array with one row per image");
        }
        long r = 1;
        for (int i = 1; i < header.shape().length; i++) {
            r *= header.shape()[i];
        }
        this.rowElements = r;
    }

    public static NpyArray open(Path file) throws IOException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(name, null, "no such .npy file");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new NpyArray(name, NpyHeader.read(ch, name), ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The shape, e.g. [N, D]. */
    public long[] shape() {
        return header.shape().clone();
    }

    /** The shape as NumPy prints it, e.g. "(1000, 10)". */
    public String shapeText() {
        return header.shapeText();
    }

    /** Rows: the first dimension. */
    public long rows() {
        return header.shape()[0];
    }

    /** Elements per row. */
    public long rowElements() {
        return rowElements;
    }

    /** Whether the values are floating point. */
    public boolean isFloat() {
        return type.startsWith("f");
    }

    /** The NumPy dtype string, e.g. "<f4". */
    public String dtype() {
        return header.descr();
    }

    /** Rows {@code [from, from + count)} as doubles, row-major. */
    public double[] readDoubles(long from, int count) throws IOException {
        int n = Math.toIntExact(count * rowElements);
        ByteBuffer b = read(from, count);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case "f4" -> b.getFloat();
                case "f8" -> b.getDouble();
                case "i1" -> b.get();
                case "u1" -> b.get() & 0xff;
                case "i2" -> b.getShort();
                case "u2" -> b.getShort() & 0xffff;
                case "i4" -> b.getInt();
                case "u4" -> b.getInt() & 0xffffffffL;
                default -> b.getLong();
            };
        }
        return out;
    }

    /** Rows {@code [from, from + count)} as floats (a float64 array is rounded), row-major. */
    public float[] readFloats(long from, int count) throws IOException {
        double[] d = readDoubles(from, count);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /** Rows {@code [from, from + count)} of an integer array as longs. */
    public long[] readLongs(long from, int count) throws IOException {
        if (isFloat()) {
            throw new DataFileException(name, "has dtype '" + header.descr() + "'; expected integers");
        }
        int n = Math.toIntExact(count * rowElements);
        ByteBuffer b = read(from, count);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case "i1" -> b.get();
                case "u1" -> b.get() & 0xff;
                case "i2" -> b.getShort();
                case "u2" -> b.getShort() & 0xffff;
                case "i4" -> b.getInt();
                case "u4" -> b.getInt() & 0xffffffffL;
                default -> b.getLong();
            };
        }
        return out;
    }

    private ByteBuffer read(long from, int count) throws IOException {
        if (from < 0 || count < 0 || from + count > rows()) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + (from + count) + " of " + name + " "
                    + shapeText());
        }
        long bytes = count * rowElements * itemSize;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes));
        long pos = header.dataOffset() + from * rowElements * itemSize;
        while (b.hasRemaining()) {
            if (channel.read(b, pos + b.position()) < 0) {
                throw new DataFileException(name, "ended early (changed while it was read?)");
            }
        }
        b.flip();
        return b.order(header.descr().startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
