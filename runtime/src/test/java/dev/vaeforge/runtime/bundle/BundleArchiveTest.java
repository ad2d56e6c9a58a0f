package dev.vaeforge.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BUNDLE.zip: opened through a private temporary directory that close() deletes; an archive whose
 * entries would escape that directory, or that is not a bundle, is refused with its own message and
 * writes nothing anywhere else.
 */
class BundleArchiveTest {
    @TempDir
    Path tmp;
    Path bundle;
    Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeEach
    void writeBundle() throws IOException {
        bundle = tmp.resolve("b");
        TinyBundles.write(bundle);
        for (String f : new String[] {"manifest.json", "encoder.onnx", "decoder.onnx"}) {
            files.put(f, Files.readAllBytes(bundle.resolve(f)));
        }
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path z = tmp.resolve("zips").resolve(name);
        Files.createDirectories(z.getParent());
        try (OutputStream os = Files.newOutputStream(z); ZipOutputStream out = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return z;
    }

    private Map<String, byte[]> prefixed(String prefix) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        files.forEach((k, v) -> m.put(prefix + k, v));
        return m;
    }

    private static long tempBundles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("vaeforge-bundle-")).count();
        }
    }

    @Test
    void aZipBundleRunsLikeItsDirectoryAndItsExtractionIsDeletedOnClose() throws IOException {
        float[] x = new float[3 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 5) / 4f;
        }
        float[] expected;
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            expected = rt.reconstruct(x, 3);
        }
        for (Path z : new Path[] {zip("flat.zip", files), zip("foldered.zip", prefixed("my-bundle/"))}) {
            long before = tempBundles();
            Path extracted;
            try (VaeRuntime rt = VaeRuntime.open(z, Device.CPU)) {
                assertArrayEquals(expected, rt.reconstruct(x, 3), z.toString());
                extracted = rt.bundle().directory();
                assertTrue(Files.isDirectory(extracted));
                assertFalse(extracted.startsWith(z.getParent()), "extracted under the runtime's temp dir, not beside the zip");
                assertEquals(before + 1, tempBundles());
            }
            assertFalse(Files.exists(extracted), "deleted on close");
            assertEquals(before, tempBundles());
        }
    }

    private void assertRefused(Path z, String expected) throws IOException {
        long before = tempBundles();
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(z, Device.CPU).close());
        assertEquals(VaeforgeException.Code.BAD_BUNDLE, e.code());
        assertEquals(z + ": " + expected, e.getMessage());
        assertEquals(before, tempBundles(), "the extraction directory of a refused archive is deleted");
    }

    @Test
    void entriesThatEscapeTheDirectoryAreRefusedAndNothingIsWrittenOutside() throws IOException {
        Map<String, byte[]> slip = new LinkedHashMap<>(files);
        slip.put("../../evil.onnx", "x".getBytes(StandardCharsets.UTF_8));
        assertRefused(zip("slip.zip", slip), "entry '../../evil.onnx' escapes or leaves the extraction directory ('..'"
                + " segment); refusing the archive");
        Map<String, byte[]> abs = new LinkedHashMap<>(files);
        abs.put(tmp.resolve("abs-evil.onnx").toString(), "x".getBytes(StandardCharsets.UTF_8));
        assertRefused(zip("absolute.zip", abs), "entry '" + tmp.resolve("abs-evil.onnx") + "' is an absolute path; a"
                + " bundle archive holds relative names only");
        Map<String, byte[]> win = new LinkedHashMap<>(files);
        win.put("..\\evil.onnx", new byte[1]);
        assertRefused(zip("backslash.zip", win), "entry '..\\evil.onnx' has an empty name, a NUL or a backslash; only"
                + " plain relative names with '/' are allowed");
        Map<String, byte[]> deep = prefixed("a/b/");
        assertRefused(zip("deep.zip", deep), "entry 'a/b/manifest.json' is nested 2 folders deep; a bundle is flat"
                + " (files at the top, or in one top folder)");
        Map<String, byte[]> mixed = new LinkedHashMap<>(files);
        mixed.put("extra/notes.txt", new byte[1]);
        assertRefused(zip("mixed.zip", mixed), "mixes files at the top with files in folders ('extra/notes.txt'); a"
                + " bundle archive holds its files at the top or in one top folder");
        assertFalse(Files.exists(tmp.resolve("evil.onnx")));
        assertFalse(Files.exists(tmp.resolve("abs-evil.onnx")));
        assertFalse(Files.exists(tmp.getParent().resolve("evil.onnx")));
    }

    @Test
    void archivesThatAreNotBundlesAreRefused() throws IOException {
        Path notZip = tmp.resolve("zips").resolve("garbage.zip");
        Files.createDirectories(notZip.getParent());
        Files.writeString(notZip, "not a zip at all");
        long before = tempBundles();
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(notZip, Device.CPU).close());
        assertTrue(e.getMessage().startsWith(notZip + ": is not a valid zip archive ("), e.getMessage());
        assertEquals(before, tempBundles());

        Map<String, byte[]> noDecoder = new LinkedHashMap<>(files);
        noDecoder.remove("decoder.onnx");
        Path z = zip("no-decoder.zip", noDecoder);
        e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(z, Device.CPU).close());
        assertEquals(z + "!/decoder.onnx: missing (listed in manifest.json as the decoder graph)", e.getMessage());

        Map<String, byte[]> many = new LinkedHashMap<>(files);
        for (int i = 0; i < BundleArchive.MAX_ENTRIES; i++) {
            many.put("f" + i, new byte[0]);
        }
        assertRefused(zip("many.zip", many), "has " + (BundleArchive.MAX_ENTRIES + 3) + " entries; a bundle has at most "
                + BundleArchive.MAX_ENTRIES);
    }

    @Test
    void inflatedSizeIsCappedByWhatIsActuallyRead() throws IOException {
        Map<String, byte[]> big = new LinkedHashMap<>(files);
        big.put("padding.bin", new byte[200_000]); // compresses to almost nothing
        Path z = zip("bomb.zip", big);
        String old = System.getProperty("vaeforge.bundle.maxZipBytes");
        System.setProperty("vaeforge.bundle.maxZipBytes", "100000");
        try {
            assertRefused(z, "inflates to more than 100000 bytes (at entry 'padding.bin'); refusing it");
        } finally {
            if (old == null) {
                System.clearProperty("vaeforge.bundle.maxZipBytes");
            } else {
                System.setProperty("vaeforge.bundle.maxZipBytes", old);
            }
        }
    }
}
