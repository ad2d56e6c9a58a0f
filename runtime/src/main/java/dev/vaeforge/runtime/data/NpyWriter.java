package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;

/**
 * Writes a NumPy {@code .npy} array (format 1.0, C order, little-endian) row block by row block, in
 * bounded memory: the whole shape is declared up front (it goes into the header), the values are
 * streamed, and the file appears at its final path only when {@link #commit()} has seen exactly the
 * number of elements the shape announces. Until then it lives in a temporary sibling, which
 * {@link #close()} deletes when the array was not committed: no half-written array is ever left
 * where a reader would find it.
 *
 * <pre>{@code
 * try (NpyWriter w = NpyWriter.create(out, NpyWriter.Type.FLOAT32, n, d)) {
 *     for (float[] block : blocks) w.write(block);
 *     w.commit();
 * }
 * }</pre>
 */
public final class NpyWriter implements AutoCloseable {
    /** The element types vaeforge writes. */
    public enum Type {
        FLOAT32("<f4", 4), UINT8("|u1", 1), INT32("<i4", 4), INT64("<i8", 8);

        private final String descr;
        private final int size;

        Type(String descr, int size) {
            this.descr = descr;
            this.size = size;
        }

        /** NumPy's dtype string, e.g. {@code <f4}. */
        public String descr() {
            return descr;
        }

        /** Bytes per element. */
        public int size() {
            return size;
        }
    }

    private static final int BUFFER_BYTES = 1 << 20;

    private final Path target;
    private final Path temp;
    private final Type type;
    private final long[] shape;
    private final long elements;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean committed;
    private boolean closed;

    private NpyWriter(Path target, Type type, long[] shape) throws IOException {
        this.target = target;
        this.type = type;
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw VaeforgeException.badParameter("shape " + Arrays.toString(shape) + " of " + target
                        + " has a negative dimension", "shape");
            }
            n = Math.multiplyExact(n, d);
        }
        this.elements = n;
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path abs = target.toAbsolutePath();
        this.temp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer header = ByteBuffer.wrap(NpyHeader.encode(type.descr, shape));
            while (header.hasRemaining()) {
                channel.write(header);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Opens a writer for an array of the given type and shape at {@code target} (parent folders are
     * created). The file is only published by {@link #commit()}.
     */
    public static NpyWriter create(Path target, Type type, long... shape) throws IOException {
        if (shape.length == 0) {
            throw VaeforgeException.badParameter("an .npy array needs at least one dimension (" + target + ")",
                    "shape");
        }
        return new NpyWriter(target, type, shape);
    }

    /** Writes a whole float32 array of the given shape at once. */
    public static void write(Path target, float[] values, long... shape) throws IOException {
        try (NpyWriter w = create(target, Type.FLOAT32, shape)) {
            w.write(values);
            w.commit();
        }
    }

    /** Writes a whole int64 array of the given shape at once. */
    public static void write(Path target, long[] values, long... shape) throws IOException {
        try (NpyWriter w = create(target, Type.INT64, shape)) {
            w.write(values, 0, values.length);
            w.commit();
        }
    }

    /** The declared shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Elements written so far. */
    public long written() {
        return written;
    }

    /** Appends float32 values (the writer must be {@link Type#FLOAT32}). */
    public void write(float[] values) throws IOException {
        write(values, 0, values.length);
    }

    /** Appends {@code length} float32 values from {@code offset}. */
    public void write(float[] values, int offset, int length) throws IOException {
        expect(Type.FLOAT32, length);
        for (int i = 0; i < length; i++) {
            room(4).putFloat(values[offset + i]);
        }
        written += length;
    }

    /** Appends uint8 values, taking the low 8 bits of each byte (the writer must be {@link Type#UINT8}). */
    public void write(byte[] values, int offset, int length) throws IOException {
        expect(Type.UINT8, length);
        for (int i = 0; i < length; i++) {
            room(1).put(values[offset + i]);
        }
        written += length;
    }

    /** Appends int32 values (the writer must be {@link Type#INT32}). */
    public void write(int[] values, int offset, int length) throws IOException {
        expect(Type.INT32, length);
        for (int i = 0; i < length; i++) {
            room(4).putInt(values[offset + i]);
        }
        written += length;
    }

    /** Appends int64 values (the writer must be {@link Type#INT64}). */
    public void write(long[] values, int offset, int length) throws IOException {
        expect(Type.INT64, length);
        for (int i = 0; i < length; i++) {
            room(8).putLong(values[offset + i]);
        }
        written += length;
    }

    /**
     * Flushes, checks that exactly the declared number of elements was written, syncs and moves the
     * file to its target (replacing an older file there).
     */
    public void commit() throws IOException {
        if (closed) {
            throw new IllegalStateException("commit after close of " + target);
        }
        if (written != elements) {
            throw new IllegalStateException(target + ": " + written + " of the " + elements
                    + " elements the shape " + Arrays.toString(shape) + " declares were written");
        }
        drain();
        channel.force(true);
        channel.close();
        closed = true;
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(target.toAbsolutePath().getParent());
        committed = true;
    }

    /** Deletes the temporary file unless the array was committed. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
        if (!committed) {
            Files.deleteIfExists(temp);
        }
    }

    private void expect(Type wanted, int length) {
        if (type != wanted) {
            throw new IllegalStateException(target + " holds " + type + ", not " + wanted + " values");
        }
        if (closed) {
            throw new IllegalStateException("write after close of " + target);
        }
        if (written + length > elements) {
            throw new IllegalStateException(target + ": writing " + length + " more elements would exceed the "
                    + elements + " the shape " + Arrays.toString(shape) + " declares (" + written + " written)");
        }
    }

    private ByteBuffer room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            drain();
        }
        return buffer;
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
