package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only region of a file, memory-mapped so that its pages live in the OS page cache rather than
 * the Java heap. One {@link MappedByteBuffer} can address at most 2 GiB, so the region is mapped in
 * chunks of {@value #CHUNK} bytes; reads that cross a chunk boundary are split. Reads are absolute and
 * safe from many threads. The mapping stays valid after the channel is closed and is released by the
 * garbage collector, so nothing here needs closing.
 */
final class MappedBytes {
    /** 1 GiB: a power of two, well below the 2 GiB limit of one buffer. */
    static final long CHUNK = 1L << 30;

    private final Path file;
    private final MappedByteBuffer[] chunks;
    private final long chunkSize;
    private final long length;

    private MappedBytes(Path file, MappedByteBuffer[] chunks, long chunkSize, long length) {
        this.file = file;
        this.chunks = chunks;
        this.chunkSize = chunkSize;
        this.length = length;
    }

    /** Maps {@code length} bytes of {@code file} from {@code offset}. */
    static MappedBytes map(Path file, long offset, long length) throws IOException {
        return map(file, offset, length, CHUNK);
    }

    /** As {@link #map(Path, long, long)} with another chunk size; tests use small chunks. */
    static MappedBytes map(Path file, long offset, long length, long chunkSize) throws IOException {
        if (chunkSize <= 0 || chunkSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " outside 1.." + Integer.MAX_VALUE);
        }
        int n = (int) ((length + chunkSize - 1) / chunkSize);
        MappedByteBuffer[] chunks = new MappedByteBuffer[n];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new IOException(file + ": " + ch.size() + " bytes, cannot map " + length + " bytes from "
                        + offset);
            }
            for (int i = 0; i < n; i++) {
                long start = i * chunkSize;
                chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, offset + start, Math.min(chunkSize, length - start));
            }
        }
        return new MappedBytes(file, chunks, chunkSize, length);
    }

    long length() {
        return length;
    }

    /**
     * What a read of a page that no longer exists becomes: the JVM reports the SIGBUS of a mapped file
     * that was truncated underneath us as an {@link InternalError}; the caller rethrows this instead.
     */
    UncheckedIOException shrunk(InternalError e) {
        return new UncheckedIOException(new IOException(file + ": the file shrank while it was memory-mapped"
                + " (rewritten or truncated by another program?); open the dataset again", e));
    }

    /** Copies {@code count} bytes from {@code position} into {@code dst[off..]}. */
    void get(long position, byte[] dst, int off, int count) {
        if (position < 0 || count < 0 || position + count > length) {
            throw new IndexOutOfBoundsException("bytes " + position + ".." + (position + count) + " of " + length);
        }
        while (count > 0) {
            int c = (int) (position / chunkSize);
            int within = (int) (position - c * chunkSize);
            int n = Math.min(count, chunks[c].capacity() - within);
            chunks[c].get(within, dst, off, n);
            position += n;
            off += n;
            count -= n;
        }
    }

    /** Reads {@code count} float32 values of byte order {@code order} from {@code position}. */
    void getFloats(long position, ByteOrder order, float[] dst, int off, int count) {
        long bytes = 4L * count;
        if (position < 0 || count < 0 || position + bytes > length) {
            throw new IndexOutOfBoundsException("bytes " + position + ".." + (position + bytes) + " of " + length);
        }
        int c = (int) (position / chunkSize);
        int within = (int) (position - c * chunkSize);
        if (within + bytes <= chunks[c].capacity()) {
            chunks[c].slice(within, (int) bytes).order(order).asFloatBuffer().get(dst, off, count);
            return;
        }
        byte[] tmp = new byte[(int) bytes];
        get(position, tmp, 0, tmp.length);
        ByteBuffer.wrap(tmp).order(order).asFloatBuffer().get(dst, off, count);
    }
}
