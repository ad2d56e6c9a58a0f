package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny dSprites-shaped .npz written by hand with java.util.zip (deflated, as np.savez_compressed writes it). */
class NpzDatasetTest {
    @TempDir
    Path dir;

    /** 1 colour x 2 shapes x 3 positions, 4x4 binary images lit at pixel (0, shape*3 + pos). */
    private Path tiny(boolean withClasses, long[] classShape) throws IOException {
        int n = 6;
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        byte[] imgs = new byte[n * 16];
        long[] classes = new long[n * 3];
        double[] values = new double[n * 3];
        for (int i = 0; i < n; i++) {
            imgs[i * 16 + i] = 1;
            classes[i * 3 + 1] = i / 3;
            classes[i * 3 + 2] = i % 3;
            values[i * 3 + 2] = (i % 3) / 2.0;
        }
        arrays.put("imgs", npy("|u1", new long[] {n, 4, 4}, ByteBuffer.wrap(imgs)));
        if (withClasses) {
            ByteBuffer c = ByteBuffer.allocate(n * 3 * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : classes) {
                c.putLong(v);
            }
            arrays.put("latents_classes", npy("<i8", classShape, c.flip()));
        }
        ByteBuffer v = ByteBuffer.allocate(n * 3 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : values) {
            v.putDouble(x);
        }
        arrays.put("latents_values", npy("<f8", new long[] {n, 3}, v.flip()));
        Path f = dir.resolve("tiny.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    private static byte[] npy(String descr, long[] shape, ByteBuffer data) {
        byte[] h = NpyHeader.encode(descr, shape);
        byte[] out = new byte[h.length + data.remaining()];
        System.arraycopy(h, 0, out, 0, h.length);
        data.get(out, h.length, data.remaining());
        return out;
    }

    private DatasetOptions options() {
        return DatasetOptions.defaults().withCacheDir(dir.resolve("cache"));
    }

    @Test
    void readsImagesAndFactorsThroughTheZip() throws IOException {
        FactorDataset d = (FactorDataset) Datasets.open("npz:" + tiny(true, new long[] {6, 3}), options());
        assertEquals(6, d.size());
        assertEquals(new ImageShape(1, 4, 4), d.shape());
        // the constant colour factor is left out; dSprites' names need six columns, so these are generic
        assertEquals(List.of("factor1", "factor2"), d.factors().names());
        assertArrayEquals(new int[] {2, 3}, d.factors().sizes());
        assertArrayEquals(new double[] {0, 0.5, 1}, d.factors().values()[1], 0);
        float[] img = new float[16];
        d.read(4, img, 0);
        assertEquals(1f, img[4]);
        assertEquals(0f, img[3]);
        int[] c = new int[2];
        d.factorClasses(4, c);
        assertArrayEquals(new int[] {1, 1}, c);
        d.render(new int[] {1, 2}, img, 0);
        assertEquals(1f, img[5]);
        // a second open uses the extracted arrays
        assertEquals(6, Datasets.open("npz:" + dir.resolve("tiny.npz"), options()).size());
    }

    @Test
    void missingOrMisshapenArraysAreOneLine() throws IOException {
        Path f = tiny(false, null);
        IOException e = assertThrows(IOException.class, () -> Datasets.open("npz:" + f, options()));
        assertTrue(e.getMessage().contains("tiny.npz") && e.getMessage().contains("latents_classes")
                && e.getMessage().contains("(6, K)"), e.getMessage());
        Files.delete(f);
        AtomicFilesHelper.clear(dir.resolve("cache"));
        Path g = tiny(true, new long[] {3, 6});
        IOException w = assertThrows(IOException.class, () -> Datasets.open("npz:" + g, options()));
        assertTrue(w.getMessage().contains("(3, 6)") && w.getMessage().contains("expected (6, K)"), w.getMessage());
        assertTrue(!w.getMessage().contains("\n"));
    }

    @Test
    void aMissingOrMisshapenArrayIsReportedBeforeAnythingIsExtracted() throws IOException {
        List<String> tasks = new java.util.ArrayList<>();
        DatasetOptions watched = options().withProgress((task, done, total) -> tasks.add(task));
        Path f = tiny(false, null);
        IOException e = assertThrows(IOException.class, () -> Datasets.open("npz:" + f, watched));
        assertTrue(e.getMessage().contains("holds no array 'latents_classes' (it has imgs, latents_values)"),
                e.getMessage());
        Files.delete(f);
        Path g = tiny(true, new long[] {3, 6});
        IOException w = assertThrows(IOException.class, () -> Datasets.open("npz:" + g, watched));
        assertTrue(w.getMessage().contains("(3, 6)"), w.getMessage());
        assertEquals(List.of(), tasks, "nothing was extracted");
        try (var left = Files.list(dir.resolve("cache"))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("npz")).toList(),
                    "no extraction directory, complete or staged, is left behind");
        } catch (java.nio.file.NoSuchFileException none) {
            // no cache directory at all: nothing left behind either
        }
    }

    @Test
    void aTruncatedEntryHeaderIsOneLine() throws IOException {
        Path f = dir.resolve("cut.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("imgs.npy"));
            z.write(java.util.Arrays.copyOf(NpyHeader.encode("|u1", new long[] {2, 4, 4}), 20));
            z.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> Datasets.open("npz:" + f, options()));
        assertTrue(e.getMessage().contains("cut.npz[imgs]") && e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void notAZip() throws IOException {
        Path f = dir.resolve("bad.npz");
        Files.writeString(f, "not a zip");
        IOException e = assertThrows(IOException.class, () -> Datasets.open("npz:" + f, options()));
        assertTrue(e.getMessage().contains("bad.npz"), e.getMessage());
    }

    /** Deletes the extraction cache between two files written at the same path. */
    static final class AtomicFilesHelper {
        static void clear(Path cache) throws IOException {
            if (Files.exists(cache)) {
                dev.vaeforge.runtime.io.AtomicFiles.deleteTree(cache);
            }
        }
    }
}
