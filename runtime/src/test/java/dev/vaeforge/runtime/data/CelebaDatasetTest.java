package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.CelebaFixture;
import dev.vaeforge.fixtures.CorruptFiles;
import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CelebaDatasetTest {
    private static final int N = 30;

    @TempDir
    Path tmp;
    Path root;
    Path cache;
    CelebaFixture fixture;

    @BeforeEach
    void writeFixture() throws IOException {
        root = tmp.resolve("celeba");
        cache = tmp.resolve("cache");
        fixture = CelebaFixture.write(root, N, 11);
    }

    private DatasetOptions options() {
        return DatasetOptions.defaults().withCacheDir(cache);
    }

    private ImageDataset open(String extra, DatasetOptions o) throws IOException {
        return Datasets.open("celeba:" + root + extra, o);
    }

    private List<Path> entries() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.sorted().toList();
        }
    }

    private static float[] read(ImageDataset d, int i) {
        float[] out = new float[d.shape().size()];
        d.read(i, out, 0);
        return out;
    }

    @Test
    void loadsWithTheRightSplitsAttributesAndCrop() throws IOException {
        ImageDataset d = open("", options());
        assertEquals(N, d.size());
        assertEquals(new ImageShape(3, 64, 64), d.shape());
        for (Split s : Split.values()) {
            int[] want = IntStream.range(0, N).filter(i -> fixture.partition(i) == s.ordinal()).toArray();
            assertArrayEquals(want, d.ownSplit(s).orElseThrow(), s.toString());
        }
        assertEquals(24, Splits.part(d, Split.TRAIN, SplitSizes.defaults()).size());
        assertEquals(Split.VALID, Splits.heldOut(d, SplitSizes.defaults()), "CelebA tests on its validation part");
        assertEquals(CelebaFixture.ATTRIBUTES, d.attributeNames());
        for (int i = 0; i < N; i++) {
            int[] want = fixture.attributes(i);
            float[] got = d.attributes(i);
            for (int a = 0; a < 40; a++) {
                assertEquals(want[a] == 1 ? 1f : 0f, got[a], "image " + i + " attribute " + a);
            }
        }
        // crop 148: only the image's own colour survives (JPEG and resampling allow a little slack)
        for (int i : new int[] {0, 17, 29}) {
            float[] img = read(d, i);
            float[] c = fixture.colour(i);
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        if (y < 2 || y > 61 || x < 2 || x > 61) {
                            continue; // JPEG's subsampled chroma bleeds the red frame into the first pixels
                        }
                        assertEquals(c[ch], img[(ch * 64 + y) * 64 + x], 0.04f, "image " + i + " c" + ch + " y" + y + " x" + x);
                    }
                }
            }
        }
        assertTrue(d.description().startsWith("celeba:" + root + " (30 images, 3x64x64, 40 attributes, own split 24/3/3"),
                d.description());
        Subset valid = Splits.part(d, Split.VALID, SplitSizes.defaults());
        assertArrayEquals(d.attributes(8), valid.attributes(0), "parts carry the attributes along");
    }

    @Test
    void theOtherProtocolsKeepWhatTheyShould() throws IOException {
        ImageDataset c178 = open(",crop=178", options());
        float[] img = read(c178, 0);
        int plane = 64 * 64;
        // columns 0..14 of the source are red: the first output columns are red, no blue row survives
        assertTrue(img[32 * 64 + 1] > 0.9f && img[plane + 32 * 64 + 1] < 0.1f, "red at the left edge");
        assertTrue(img[2 * plane + 1 * 64 + 32] < 0.1f && img[1 * 64 + 32] > 0.9f, "red, not blue, at the top");
        ImageDataset none = open(",crop=none", options());
        img = read(none, 0);
        assertTrue(img[2 * plane + 32] > 0.9f && img[32] < 0.1f, "blue at the top of the full image");
        ImageDataset gray = Datasets.open("celeba:" + root, options().withShape(new ImageShape(1, 32, 32)));
        assertEquals(32 * 32, read(gray, 0).length);
        assertEquals(3, entries().size(), "one cache entry per preprocessing");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> open(",crop=wide", options()));
        assertTrue(bad.getMessage().contains("expected a crop size in pixels (148, the default, or 178) or none"));
    }

    @Test
    void theCacheIsBuiltOnceAndReadsMatchDecoding() throws IOException {
        List<String> progress = new ArrayList<>();
        ImageDataset first = open("", options().withProgress((t, done, total) -> progress.add(done + "/" + total)));
        assertTrue(progress.contains(N + "/" + N), progress.toString());
        List<Path> e = entries();
        assertEquals(1, e.size());
        Path info = e.get(0).resolve("cache.json");
        String written = Files.readString(info);
        assertTrue(written.contains("\"format\" : \"vaeforge-dataset-cache\""), written);
        ImageDataset second = open("", options().withProgress((t, done, total) -> progress.add("again")));
        assertEquals(written, Files.readString(info), "the second open reads the entry, it does not rebuild it");
        assertTrue(!progress.contains("again"));
        assertEquals(first.fingerprint(), second.fingerprint());
        ImageDataset decoded = open("", options().withCache(false));
        assertEquals(first.fingerprint(), decoded.fingerprint());
        for (int i : new int[] {0, 5}) {
            float[] a = read(second, i);
            float[] b = read(decoded, i);
            for (int k = 0; k < a.length; k++) {
                assertEquals(b[k], a[k], 0.5f / 255 + 1e-6f, "8-bit rounding is the only difference");
            }
        }
        // a damaged entry is rebuilt, not trusted; a mapping of the file as it was fails with a message
        float[] want = read(first, 3);
        Path images = e.get(0).resolve("images.npy");
        Files.write(images, java.util.Arrays.copyOf(Files.readAllBytes(images), 1000));
        java.io.UncheckedIOException gone = assertThrows(java.io.UncheckedIOException.class, () -> read(first, 29));
        assertTrue(gone.getMessage().contains("images.npy: the file shrank while it was memory-mapped"), gone.getMessage());
        ImageDataset repaired = open("", options());
        assertArrayEquals(want, read(repaired, 3));
    }

    @Test
    void theCacheIsRebuiltWhenASourceChanges() throws IOException {
        float[] before = read(open("", options()), 0);
        Path oldEntry = entries().get(0);
        Files.write(fixture.file(0), CelebaFixture.write(tmp.resolve("other"), 1, 99).jpeg(0, false));
        Files.setLastModifiedTime(fixture.file(0), FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        ImageDataset after = open("", options());
        assertNotEquals(before[0], read(after, 0)[0], 0.01f);
        assertEquals(1, entries().size(), "the stale entry of the same source and preprocessing is removed");
        assertNotEquals(oldEntry, entries().get(0));

        List<String> lines = Files.readAllLines(root.resolve("list_eval_partition.txt"));
        lines.set(0, lines.get(0).replace(" 0", " 2"));
        Files.write(root.resolve("list_eval_partition.txt"), lines);
        ImageDataset moved = open("", options());
        assertEquals(0, moved.ownSplit(Split.TEST).orElseThrow()[0], "image 0 is now a test image");
        assertNotEquals(after.fingerprint(), moved.fingerprint());
    }

    @Test
    void badImagesAreNamedOrSkippedAndListed() throws IOException {
        Files.write(fixture.file(2), CorruptFiles.bytes(CorruptFiles.Kind.TRUNCATED_JPEG));
        Files.write(fixture.file(4), CorruptFiles.bytes(CorruptFiles.Kind.TEXT_AS_JPEG));
        byte[] lossless = fixture.jpeg(6, false);
        for (int k = 2; k + 1 < lossless.length; k++) {
            if ((lossless[k] & 0xff) == 0xff && (lossless[k + 1] & 0xff) == 0xc0) {
                lossless[k + 1] = (byte) 0xc3;
                break;
            }
        }
        Files.write(fixture.file(6), lossless);
        SampleImages.writeTo(fixture.file(8), SampleFormat.PNG_RGB, 100, 100, 1); // a PNG named .jpg, too small
        BadFilesException e = assertThrows(BadFilesException.class, () -> open("", options()));
        List<String> paths = e.badFiles().stream().map(BadFile::path).toList();
        assertEquals(List.of("img_align_celeba/000003.jpg", "img_align_celeba/000005.jpg", "img_align_celeba/000007.jpg",
                "img_align_celeba/000009.jpg"), paths);
        assertTrue(e.badFiles().get(0).reason().startsWith("truncated or corrupt JPEG data"), e.getMessage());
        assertTrue(e.badFiles().get(1).reason().startsWith("not a PNG, JPEG, BMP, GIF or TIFF image"), e.getMessage());
        assertTrue(e.badFiles().get(2).reason().startsWith("unsupported JPEG (lossless coding"), e.getMessage());
        assertEquals("image is 100x100 (height x width), smaller than the 148x148 centre crop",
                e.badFiles().get(3).reason());
        assertTrue(e.getMessage().startsWith("celeba:" + root + ": 4 of 30 images cannot be used"), e.getMessage());
        assertEquals(List.of(), entries().stream().filter(p -> !p.getFileName().toString().startsWith(".")).toList(),
                "files are checked before decoding, so nothing was cached");

        ImageDataset kept = open("", options().withSkipBad(true));
        assertEquals(26, kept.size());
        assertEquals(paths, kept.skipped().stream().map(BadFile::path).toList());
        assertTrue(kept.description().contains("4 bad items skipped"), kept.description());
        assertEquals(21, Splits.part(kept, Split.TRAIN, SplitSizes.defaults()).size());
        // the attributes stay with their images: kept index 2 is image 3
        float[] a = kept.attributes(2);
        assertEquals(fixture.attributes(3)[0] == 1 ? 1f : 0f, a[0]);
        assertEquals(fixture.attributes(3)[39] == 1 ? 1f : 0f, a[39]);
    }

    @Test
    void aGrayImageInTheRgbDatasetIsReplicated() throws IOException {
        SampleImages.writeTo(fixture.file(1), SampleFormat.JPEG_GRAY, CelebaFixture.WIDTH, CelebaFixture.HEIGHT, 3);
        float[] img = read(open("", options()), 1);
        int plane = 64 * 64;
        for (int p = 0; p < plane; p += 97) {
            assertEquals(img[p], img[plane + p]);
            assertEquals(img[p], img[2 * plane + p]);
        }
    }

    @Test
    void attributeRowsThatDoNotMatchTheImagesAreReported() throws IOException {
        Path attr = root.resolve("list_attr_celeba.txt");
        List<String> rows = fixture.attributeRows();
        List<String> edited = new ArrayList<>(rows);
        edited.remove(3); // 000004.jpg loses its row
        edited.add("999999.jpg" + " 1".repeat(40)); // a row for an image that does not exist
        edited.set(5, edited.get(5).replaceFirst(" -1| {2}1", " 2")); // a value that is not -1/1
        writeAttributes(attr, edited.size(), edited);
        BadFilesException e = assertThrows(BadFilesException.class, () -> open("", options()));
        assertEquals(3, e.badFiles().size(), e.getMessage());
        assertEquals(new BadFile("img_align_celeba/000004.jpg", "no row in list_attr_celeba.txt"), e.badFiles().get(0));
        assertTrue(e.badFiles().get(1).toString().startsWith("img_align_celeba/000007.jpg: list_attr_celeba.txt line 8:"
                + " value '2' for"), e.getMessage());
        assertEquals(new BadFile("img_align_celeba/999999.jpg", "list_attr_celeba.txt line 32 lists it, but there is"
                + " no such image"), e.badFiles().get(2));
        assertTrue(e.getMessage().contains("The list files and img_align_celeba/ do not match"), e.getMessage());
        ImageDataset kept = open("", options().withSkipBad(true));
        assertEquals(28, kept.size());
        assertEquals(3, kept.skipped().size());

        writeAttributes(attr, rows.size() + 5, rows);
        DataFileException count = assertThrows(DataFileException.class, () -> open("", options().withSkipBad(true)));
        assertEquals(attr.toString(), count.file());
        assertEquals("line 1 announces 35 images but the file has 30 rows (truncated?)", count.reason());
        Files.writeString(attr, "30\nSmiling Smiling\n");
        assertTrue(assertThrows(DataFileException.class, () -> open("", options())).reason()
                .startsWith("line 2 should list the attribute names"));
    }

    @Test
    void partitionRowsAreCheckedTooAndTheListsAreOptional() throws IOException {
        Path part = root.resolve("list_eval_partition.txt");
        List<String> lines = Files.readAllLines(part);
        lines.set(0, "000001.jpg 3");
        lines.set(1, "000002.jpg");
        Files.write(part, lines);
        BadFilesException e = assertThrows(BadFilesException.class, () -> open("", options()));
        assertEquals("img_align_celeba/000001.jpg: list_eval_partition.txt line 1: partition '3' is not 0 (train),"
                + " 1 (valid) or 2 (test)", e.badFiles().get(0).toString());
        assertEquals("img_align_celeba/000002.jpg: list_eval_partition.txt line 2: expected '<file> 0|1|2', found 1"
                + " fields", e.badFiles().get(1).toString());
        Files.delete(part);
        Files.delete(root.resolve("list_attr_celeba.txt"));
        ImageDataset plain = open("", options());
        assertEquals(N, plain.size());
        assertTrue(plain.attributeNames().isEmpty());
        assertTrue(plain.ownSplit(Split.TEST).isEmpty(), "without the partition file the split is seeded");
        assertEquals(3, Splits.part(plain, Split.TEST, SplitSizes.defaults()).size());
    }

    @Test
    void aMissingLayoutIsExplained() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("notceleba"));
        Files.writeString(empty.resolve("x.txt"), "x");
        IOException e = assertThrows(IOException.class, () -> Datasets.open("celeba:" + empty, options()));
        assertTrue(e.getMessage().contains("a celeba: dataset needs DIR/img_align_celeba/ (found in DIR: x.txt)"),
                e.getMessage());
    }

    private static void writeAttributes(Path file, int count, List<String> rows) throws IOException {
        StringBuilder sb = new StringBuilder().append(count).append('\n')
                .append(String.join(" ", CelebaFixture.ATTRIBUTES)).append('\n');
        rows.forEach(r -> sb.append(r).append('\n'));
        Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
    }
}
