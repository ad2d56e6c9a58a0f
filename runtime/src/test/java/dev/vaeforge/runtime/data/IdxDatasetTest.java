package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {
    @TempDir
    Path dir;

    private DatasetOptions options() {
        return DatasetOptions.defaults().withCacheDir(dir.resolve("cache"));
    }

    private ImageDataset open(Path data) throws IOException {
        return Datasets.open("idx:" + data, options());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripsTrainAndTestPartsWithLabels(boolean gz) throws IOException {
        Path data = dir.resolve("data");
        ArrayFiles.writeIdxDataset(data, 12, 5, 6, 4, gz);
        ImageDataset d = open(data);
        assertEquals(17, d.size());
        assertEquals(new ImageShape(1, 6, 4), d.shape());
        assertArrayEquals(IntStream.range(0, 12).toArray(), d.ownSplit(Split.TRAIN).orElseThrow());
        assertArrayEquals(new int[0], d.ownSplit(Split.VALID).orElseThrow());
        assertArrayEquals(IntStream.range(12, 17).toArray(), d.ownSplit(Split.TEST).orElseThrow());
        byte[] train = ArrayFiles.pattern(12, 24);
        float[] img = new float[24];
        d.read(11, img, 0);
        for (int p = 0; p < 24; p++) {
            assertEquals((train[11 * 24 + p] & 0xff) / 255f, img[p], 1e-7f);
        }
        d.read(12 + 3, img, 0); // t10k image 3: (3 * 7 + p + 1000) mod 256
        assertEquals(((3 * 7 + 5 + 1000) & 0xff) / 255f, img[5], 1e-7f);
        assertEquals(1, d.label(11));
        assertEquals(3, d.label(15));
        assertEquals(10, d.labelNames().size());
        assertEquals(Split.TEST, Splits.heldOut(d, SplitSizes.defaults()));
        assertEquals(5, Splits.part(d, Split.TEST, SplitSizes.defaults()).size());
        assertTrue(d.description().contains("own split 12/0/5"), d.description());
        try (var s = Files.list(dir.resolve("cache"))) {
            assertEquals(gz ? 2 : 0, s.count(), "gzipped image files are decompressed into the cache, plain ones mapped");
        } catch (java.nio.file.NoSuchFileException e) {
            assertTrue(!gz);
        }
        assertEquals(d.fingerprint(), open(data).fingerprint());
    }

    @Test
    void gzippedWithoutTheCacheAndOnePartOnly() throws IOException {
        Path data = dir.resolve("one");
        ArrayFiles.writeIdxDataset(data, 8, 3, 4, 4, true);
        Files.delete(data.resolve("t10k-images-idx3-ubyte.gz"));
        Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
        ImageDataset d = Datasets.open("idx:" + data, options().withCache(false));
        assertEquals(8, d.size());
        assertTrue(d.ownSplit(Split.TRAIN).isEmpty(), "one part: no split of its own");
        assertTrue(Files.notExists(dir.resolve("cache")));
        float[] img = new float[16];
        d.read(7, img, 0);
        assertEquals(((7 * 7 + 15) & 0xff) / 255f, img[15], 1e-7f);
    }

    @Test
    void theMnistDottedNamesAreFoundToo() throws IOException {
        Path data = dir.resolve("mnist");
        ArrayFiles.writeIdxDataset(data, 4, 2, 3, 3, false);
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte")) {
            Files.move(data.resolve(f), data.resolve(f.replaceFirst("-idx", ".idx")));
        }
        assertEquals(6, open(data).size());
    }

    @Test
    void wrongMagicNumbersAreNamed() throws IOException {
        Path data = dir.resolve("m");
        ArrayFiles.writeIdxDataset(data, 4, 2, 3, 3, false);
        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] b = Files.readAllBytes(images);
        b[0] = 0x12;
        Files.write(images, b);
        DataFileException e = assertThrows(DataFileException.class, () -> open(data));
        assertEquals(images.toString(), e.file());
        assertEquals("not an IDX file: wrong magic number 0x12000803 (IDX images files start with 0x00000803)", e.reason());
        b[0] = 0;
        b[2] = 0x0D;
        Files.write(images, b);
        assertEquals("wrong magic number 0x00000D03: unsupported IDX data type 0x0D (32-bit float); only unsigned byte"
                + " (0x08) is supported", assertThrows(DataFileException.class, () -> open(data)).reason());
        Files.copy(data.resolve("train-labels-idx1-ubyte"), images, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals("wrong magic number 0x00000801: 1 dimension(s) where IDX images have 3 (expected 0x00000803)",
                assertThrows(DataFileException.class, () -> open(data)).reason());
    }

    @Test
    void aSizeThatDoesNotMatchTheHeaderIsAnError() throws IOException {
        Path data = dir.resolve("s");
        ArrayFiles.writeIdxDataset(data, 4, 2, 3, 3, false);
        Path images = data.resolve("t10k-images-idx3-ubyte");
        byte[] b = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(b, b.length - 5));
        DataFileException e = assertThrows(DataFileException.class, () -> open(data));
        assertEquals("size does not match the header: it announces 2 images of 3x3 = 18 data bytes after the 16-byte"
                + " header, but the file ends after 13 (truncated)", e.reason());
        Files.write(images, Arrays.copyOf(b, b.length + 3));
        assertTrue(assertThrows(DataFileException.class, () -> open(data)).reason().endsWith("holds 21 (extra data)"));
        Files.write(images, b);
        Path labels = data.resolve("t10k-labels-idx1-ubyte");
        Files.write(labels, ArrayFiles.idx(new int[] {3}, new byte[3]));
        assertEquals("3 labels for the 2 images of " + images, assertThrows(DataFileException.class,
                () -> open(data)).reason());
    }

    @Test
    void gzippedFilesAreCheckedWhileDecompressing() throws IOException {
        Path data = dir.resolve("g");
        ArrayFiles.writeIdxDataset(data, 4, 2, 3, 3, true);
        Path images = data.resolve("train-images-idx3-ubyte.gz");
        byte[] raw = ArrayFiles.idx(new int[] {5, 3, 3}, ArrayFiles.pattern(4, 9)); // header says 5, holds 4
        Files.write(images, ArrayFiles.gzip(raw));
        DataFileException e = assertThrows(DataFileException.class, () -> open(data));
        assertEquals(images.toString(), e.file());
        assertTrue(e.reason().endsWith("but the file ends after 36 (truncated)"), e.reason());
        byte[] gz = ArrayFiles.gzip(ArrayFiles.idx(new int[] {4, 3, 3}, ArrayFiles.pattern(4, 9)));
        Files.write(images, Arrays.copyOf(gz, gz.length - 12));
        assertTrue(assertThrows(DataFileException.class, () -> open(data)).reason()
                .startsWith("corrupt or truncated gzip data ("));
        gz[gz.length - 6] ^= 0x55; // the CRC in the trailer
        Files.write(images, gz);
        assertTrue(assertThrows(DataFileException.class, () -> open(data)).reason()
                .startsWith("corrupt or truncated gzip data ("));
        try (var s = Files.list(dir.resolve("cache"))) {
            assertTrue(s.allMatch(p -> !p.getFileName().toString().startsWith(".")), "no half-built entry is left");
        }
    }

    @Test
    void aDirectoryWithoutIdxFilesIsExplained() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/readme.txt"), "x");
        IOException e = assertThrows(IOException.class, () -> open(dir.resolve("empty")));
        assertTrue(e.getMessage().contains("no IDX files found") && e.getMessage().endsWith("(found: readme.txt)"),
                e.getMessage());
    }
}
