package dev.vaeforge.runtime.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes .npy and IDX files for reader tests, independently of the readers' own code. */
final class ArrayFiles {
    private ArrayFiles() {
    }

    /** An .npy v1.0 file: header dict as NumPy writes it, padded to 64 bytes, then {@code data}. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length).put(header).put(data);
        return b.array();
    }

    static Path writeNpy(Path file, String descr, String shape, byte[] data) throws IOException {
        Files.write(file, npy(descr, shape, data));
        return file;
    }

    static byte[] floats(float[] v, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** An IDX file of unsigned bytes: magic 0x0000 08 dims, big-endian sizes, data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pixels with value {@code (i * 7 + p) mod 256} for image i, pixel p. */
    static byte[] pattern(int n, int perImage) {
        byte[] b = new byte[n * perImage];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < perImage; p++) {
                b[i * perImage + p] = (byte) (i * 7 + p);
            }
        }
        return b;
    }

    /** Writes train and t10k images (n x h x w) with labels {@code i mod 10} into dir. */
    static void writeIdxDataset(Path dir, int trainN, int testN, int h, int w, boolean gz) throws IOException {
        Files.createDirectories(dir);
        write(dir, "train", trainN, h, w, gz, 0);
        write(dir, "t10k", testN, h, w, gz, 1000);
    }

    private static void write(Path dir, String prefix, int n, int h, int w, boolean gz, int offset) throws IOException {
        byte[] px = pattern(n, h * w);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (px[i] + offset);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        byte[] images = idx(new int[] {n, h, w}, px);
        byte[] lab = idx(new int[] {n}, labels);
        String ext = gz ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), gz ? gzip(images) : images);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), gz ? gzip(lab) : lab);
    }
}
