package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.CorruptFiles;
import dev.vaeforge.fixtures.FloatArrays;
import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImage;
import dev.vaeforge.fixtures.SampleImages;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageConversion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderDatasetTest {
    private static final ImageShape RGB = new ImageShape(3, 30, 40);

    @TempDir
    Path dir;

    @Test
    void readsEveryFormatInPathOrder() throws IOException {
        List<SampleImage> samples = SampleImages.writeAll(dir.resolve("nested/deeper"), 40, 30, 2);
        FolderDataset ds = FolderDataset.open(dir, DatasetOptions.defaults().withShape(RGB));
        assertEquals(samples.size(), ds.size());
        List<String> sorted = new ArrayList<>();
        for (SampleImage s : samples) {
            sorted.add("nested/deeper/" + s.file().getFileName());
        }
        sorted.sort(null);
        for (int i = 0; i < ds.size(); i++) {
            assertEquals(sorted.get(i), ds.relativePath(i));
            Path file = ds.file(i);
            SampleImage s = samples.stream().filter(x -> x.file().equals(file)).findFirst().orElseThrow();
            float[] got = new float[RGB.size()];
            ds.read(i, got, 0);
            float[] want = ImageConversion.toChannels(
                    new FloatImage(s.colourChannels(), 30, 40, s.expectedOverBlack()), 3).data();
            if (s.format().lossless()) {
                FloatArrays.assertClose(want, got, 1e-6, s.format().toString());
            } else {
                assertTrue(FloatArrays.meanAbsDiff(want, got) < 4.0 / 255, s.format().toString());
            }
        }
        assertEquals(-1, ds.label(0));
        assertTrue(ds.skipped().isEmpty());
        assertTrue(ds.description().startsWith("folder:" + dir + " (11 images, 3x30x40"), ds.description());
    }

    @Test
    void orderIsByRelativePathString() throws IOException {
        for (String p : new String[] {"b.png", "a/z.png", "a/b/c.png", "A.png", "a.png"}) {
            SampleImages.writeTo(dir.resolve(p), SampleFormat.PNG_GRAY, 16, 16, 0);
        }
        FolderDataset ds = FolderDataset.open(dir, DatasetOptions.defaults());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            order.add(ds.relativePath(i));
        }
        assertEquals(List.of("A.png", "a.png", "a/b/c.png", "a/z.png", "b.png"), order);
    }

    @Test
    void shapeComesFromTheFirstFileWhenNotGiven() throws IOException {
        SampleImages.writeTo(dir.resolve("0.png"), SampleFormat.PNG_GRAY, 24, 20, 0);
        SampleImages.writeTo(dir.resolve("1.jpg"), SampleFormat.JPEG_RGB, 24, 20, 1);
        FolderDataset ds = FolderDataset.open(dir, DatasetOptions.defaults());
        assertEquals(new ImageShape(1, 20, 24), ds.shape());
        float[] gray = new float[20 * 24];
        ds.read(1, gray, 0); // the colour JPEG, converted to luma
        FloatArrays.assertInRange(gray, 0f, 1f, "luma");
    }

    @Test
    void otherSizesAreAnErrorUnlessResizing() throws IOException {
        SampleImages.writeTo(dir.resolve("a.png"), SampleFormat.PNG_RGB, 40, 30, 0);
        SampleImages.writeTo(dir.resolve("b.jpg"), SampleFormat.JPEG_RGB, 178, 218, 0);
        BadFilesException e = assertThrows(BadFilesException.class,
                () -> FolderDataset.open(dir, DatasetOptions.defaults().withShape(RGB)));
        assertEquals(List.of(new BadFile("b.jpg", "image is 218x178 (height x width) but the dataset expects 30x40;"
                + " resize the files or set the resize option (centre crop, then area/bilinear resize)")), e.badFiles());
        assertTrue(e.getMessage().startsWith("folder:" + dir + ": 1 of 2 image files cannot be used\n  b.jpg: image is"),
                e.getMessage());
        FolderDataset resized = FolderDataset.open(dir,
                DatasetOptions.defaults().withShape(new ImageShape(3, 32, 32)).withResize(true));
        float[] img = new float[3 * 32 * 32];
        resized.read(1, img, 0);
        FloatArrays.assertInRange(img, 0f, 1f, "resized");
    }

    @Test
    void labelsComeFromSortedSubFolderNames() throws IOException {
        SampleImages.writeTo(dir.resolve("dogs/1.png"), SampleFormat.PNG_GRAY, 16, 16, 0);
        SampleImages.writeTo(dir.resolve("cats/2.png"), SampleFormat.PNG_GRAY, 16, 16, 1);
        SampleImages.writeTo(dir.resolve("dogs/big/3.png"), SampleFormat.PNG_GRAY, 16, 16, 2);
        SampleImages.writeTo(dir.resolve("birds/4.png"), SampleFormat.PNG_GRAY, 16, 16, 3);
        FolderDataset ds = FolderDataset.open(dir, DatasetOptions.defaults().withFolderLabels(true));
        assertEquals(List.of("birds", "cats", "dogs"), ds.labelNames());
        assertEquals("birds/4.png", ds.relativePath(0));
        int[] labels = new int[ds.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = ds.label(i);
        }
        assertEquals(List.of(0, 1, 2, 2), java.util.Arrays.stream(labels).boxed().toList());
        assertTrue(ds.description().contains("3 classes"), ds.description());

        SampleImages.writeTo(dir.resolve("loose.png"), SampleFormat.PNG_GRAY, 16, 16, 4);
        IOException e = assertThrows(IOException.class,
                () -> FolderDataset.open(dir, DatasetOptions.defaults().withFolderLabels(true)));
        assertTrue(e.getMessage().contains("loose.png is not inside a class sub-folder"), e.getMessage());
    }

    @Test
    void corruptFileFailsOpenOrIsSkippedAndListed() throws IOException {
        SampleImages.writeTo(dir.resolve("good1.png"), SampleFormat.PNG_RGB, 40, 30, 0);
        SampleImages.writeTo(dir.resolve("good2.jpg"), SampleFormat.JPEG_RGB, 40, 30, 1);
        CorruptFiles.write(dir, CorruptFiles.Kind.TRUNCATED_JPEG);
        CorruptFiles.write(dir, CorruptFiles.Kind.TEXT_AS_JPEG);
        BadFilesException e = assertThrows(BadFilesException.class,
                () -> FolderDataset.open(dir, DatasetOptions.defaults().withShape(RGB)));
        assertEquals(2, e.badFiles().size());
        assertEquals("text.jpg", e.badFiles().get(0).path());
        assertEquals("truncated.jpg", e.badFiles().get(1).path());
        assertTrue(e.getMessage().contains("truncated.jpg: truncated or corrupt JPEG data"), e.getMessage());
        assertTrue(e.getMessage().contains("skip-bad"), e.getMessage());

        FolderDataset ds = FolderDataset.open(dir, DatasetOptions.defaults().withShape(RGB).withSkipBad(true));
        assertEquals(2, ds.size());
        assertEquals(List.of("good1.png", "good2.jpg"), List.of(ds.relativePath(0), ds.relativePath(1)));
        assertEquals(e.badFiles(), ds.skipped());
        assertTrue(ds.description().endsWith("2 bad files skipped)"), ds.description());
    }

    @Test
    void allFilesBadIsAnErrorEvenWhenSkipping() throws IOException {
        CorruptFiles.write(dir, CorruptFiles.Kind.EMPTY_PNG);
        BadFilesException e = assertThrows(BadFilesException.class,
                () -> FolderDataset.open(dir, DatasetOptions.defaults().withSkipBad(true)));
        assertTrue(e.getMessage().contains("No usable image is left"), e.getMessage());
    }

    @Test
    void damagedPixelDataFailsAtReadUnlessVerifiedOnOpen() throws IOException {
        SampleImages.writeTo(dir.resolve("ok.png"), SampleFormat.PNG_RGB, 40, 30, 0);
        Files.write(dir.resolve("bad-zlib.png"), damageIdat(SampleImages.encode(SampleFormat.PNG_RGB, 40, 30, 1)));
        FolderDataset lazy = FolderDataset.open(dir, DatasetOptions.defaults().withShape(RGB));
        assertEquals(2, lazy.size());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> lazy.read(0, new float[RGB.size()], 0));
        assertTrue(e.getMessage().contains("bad-zlib.png: truncated or corrupt PNG data"), e.getMessage());

        BadFilesException verified = assertThrows(BadFilesException.class,
                () -> FolderDataset.open(dir, DatasetOptions.defaults().withShape(RGB).withVerifyAll(true)));
        assertEquals("bad-zlib.png", verified.badFiles().get(0).path());
    }

    /** Scrambles the compressed bytes of the IDAT chunk and fixes its CRC, so only decoding can tell. */
    private static byte[] damageIdat(byte[] png) {
        int pos = 8;
        while (true) {
            int len = java.nio.ByteBuffer.wrap(png, pos, 4).getInt();
            String type = new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("IDAT")) {
                for (int i = pos + 8 + 2; i < pos + 8 + len; i += 3) {
                    png[i] ^= (byte) 0xa5;
                }
                CRC32 crc = new CRC32();
                crc.update(png, pos + 4, 4 + len);
                java.nio.ByteBuffer.wrap(png, pos + 8 + len, 4).putInt((int) crc.getValue());
                return png;
            }
            pos += 12 + len;
        }
    }

    @Test
    void hiddenAndNonImageFilesAreIgnored() throws IOException {
        SampleImages.writeTo(dir.resolve("a.png"), SampleFormat.PNG_GRAY, 16, 16, 0);
        CorruptFiles.write(dir.resolve(".cache"), CorruptFiles.Kind.RANDOM_BYTES_PNG);
        Files.write(dir.resolve("._a.png"), new byte[] {0, 5, 22, 7});
        Files.writeString(dir.resolve("notes.txt"), "hello");
        FolderDataset ds = FolderDataset.open(dir, DatasetOptions.defaults());
        assertEquals(1, ds.size());
    }

    @Test
    void emptyMissingAndNonDirectoryAreClearErrors() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> FolderDataset.open(empty, DatasetOptions.defaults()));
        assertEquals("folder:" + empty + ": no PNG, JPEG, BMP, GIF or TIFF files found (the folder is empty)",
                e.getMessage());
        Files.writeString(empty.resolve("x.webp"), "RIFF");
        e = assertThrows(IOException.class, () -> FolderDataset.open(empty, DatasetOptions.defaults()));
        assertTrue(e.getMessage().endsWith("(1 other files ignored, e.g. x.webp)"), e.getMessage());
        Path missing = dir.resolve("missing");
        e = assertThrows(NoSuchFileException.class, () -> FolderDataset.open(missing, DatasetOptions.defaults()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path file = Files.writeString(dir.resolve("file.png"), "x");
        e = assertThrows(IOException.class, () -> FolderDataset.open(file, DatasetOptions.defaults()));
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
    }

    @Test
    void fingerprintFollowsFilesAndPreprocessing() throws IOException {
        Path a = SampleImages.writeTo(dir.resolve("a.png"), SampleFormat.PNG_RGB, 40, 30, 0).file();
        SampleImages.writeTo(dir.resolve("b.png"), SampleFormat.PNG_RGB, 40, 30, 1);
        DatasetOptions opts = DatasetOptions.defaults().withShape(RGB);
        String fp = FolderDataset.open(dir, opts).fingerprint();
        assertEquals(fp, FolderDataset.open(dir, opts).fingerprint());
        assertNotEquals(fp, FolderDataset.open(dir, opts.withResize(true)).fingerprint());
        assertNotEquals(fp, FolderDataset.open(dir, opts.withShape(new ImageShape(1, 30, 40))).fingerprint());
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() - 60_000));
        assertNotEquals(fp, FolderDataset.open(dir, opts).fingerprint());
    }

    @Test
    void splitsWorkOnFolders() throws IOException {
        for (int i = 0; i < 10; i++) {
            SampleImages.writeTo(dir.resolve(i + ".png"), SampleFormat.PNG_GRAY, 16, 16, i);
        }
        Subset[] parts = Subset.split(FolderDataset.open(dir, DatasetOptions.defaults()), 3, 0);
        assertEquals(7, parts[0].size());
        assertEquals(3, parts[1].size());
        float[] batch = parts[1].batch(new int[] {0, 1, 2}, 0, 3);
        assertEquals(3 * 256, batch.length);
    }
}
