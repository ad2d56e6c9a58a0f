package dev.vaeforge.runtime.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.ImportFixtures;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.Golden;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.NpyArrays;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.session.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden tensors: every graph's inputs and outputs stored, hashed, and reproduced by {@link GoldenVerifier};
 * a changed golden file fails to open, and one changed with its hash updated fails verification.
 */
class GoldenTensorsTest {
    @TempDir
    static Path shared;
    static Path bundle;

    @TempDir
    Path tmp;

    @BeforeAll
    static void importVq() {
        bundle = ImportFixturesTest.imported(ImportFixtures.VQ_MODEL, shared);
    }

    @Test
    void everyGraphIsCoveredAndReproducesItsGoldenOutputs() throws Exception {
        Manifest m = BundleReader.open(bundle).manifest();
        Golden g = m.golden();
        assertNotNull(g);
        assertEquals(java.util.List.of("encoder", "quantizer", "decoder"), java.util.List.copyOf(g.graphs().keySet()));
        long bytes = 0;
        for (Golden.Graph gg : g.graphs().values()) {
            for (Golden.Tensor t : gg.inputs()) {
                bytes += Files.size(bundle.resolve(t.file()));
            }
            for (Golden.Tensor t : gg.outputs()) {
                bytes += Files.size(bundle.resolve(t.file()));
            }
        }
        assertTrue(bytes < 300_000, "golden files take " + bytes + " bytes");
        // the quantizer's golden input is the encoder's golden output: inputs the model really sees
        Tensor ze = npy(bundle, g.graphs().get("encoder").outputs().get(0).file());
        assertArrayEquals(ze.floats(), npy(bundle, g.graphs().get("quantizer").inputs().get(0).file()).floats());
        GoldenVerifier.Report r = GoldenVerifier.verify(BundleReader.open(bundle), Device.CPU, null);
        assertTrue(r.passed(), r.toString());
        for (GoldenVerifier.GraphResult gr : r.graphs()) {
            assertTrue(gr.maxAbsError() <= 1e-6, gr.toString());
        }
        assertEquals(4 * 16, r.graphs().get(1).intValues(), "the quantizer's code indices are compared one by one");
    }

    @Test
    void aTamperedGoldenFileFailsToOpen() throws Exception {
        Path copy = copy(bundle, tmp.resolve("t"));
        Golden.Tensor out = BundleReader.open(copy).manifest().golden().graphs().get("decoder").outputs().get(0);
        Tensor t = npy(copy, out.file());
        t.floats()[0] += 0.5f;
        Files.write(copy.resolve(out.file()), NpyArrays.write(t));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> BundleReader.open(copy));
        assertEquals(VaeforgeException.Code.BAD_BUNDLE, e.code());
        assertTrue(e.getMessage().contains(out.file() + ": sha256 is"), e.getMessage());
    }

    @Test
    void aTamperedGoldenFileWithItsHashUpdatedFailsVerification() throws Exception {
        Path copy = copy(bundle, tmp.resolve("t"));
        Golden.Tensor out = BundleReader.open(copy).manifest().golden().graphs().get("decoder").outputs().get(0);
        Tensor t = npy(copy, out.file());
        t.floats()[3] += 0.25f;
        byte[] bytes = NpyArrays.write(t);
        Files.write(copy.resolve(out.file()), bytes);
        Path manifest = copy.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest, StandardCharsets.UTF_8).replace(out.sha256(),
                Hashing.sha256(bytes)), StandardCharsets.UTF_8);
        GoldenVerifier.Report r = GoldenVerifier.verify(BundleReader.open(copy), Device.CPU, null);
        assertFalse(r.passed());
        GoldenVerifier.GraphResult dec = r.graphs().get(2);
        assertEquals("decoder", dec.graph());
        assertEquals(0.25, dec.maxAbsError(), 1e-6);
        assertFalse(dec.passed());
        assertTrue(r.graphs().get(0).passed() && r.graphs().get(1).passed(), "the other graphs still pass");
        // one caller's tolerance for every graph
        assertTrue(GoldenVerifier.verify(BundleReader.open(copy), Device.CPU, 0.3).passed());
    }

    @Test
    void aBundleWithoutGoldenTensorsSaysSo() throws Exception {
        Bundle old = BundleReader.open(Path.of(getClass().getResource("/bundles/v2-moments-logits").toURI()));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> GoldenVerifier.verify(old, Device.CPU, null));
        assertEquals(VaeforgeException.Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("has no 'golden' tensors"), e.getMessage());
    }

    @Test
    void goldenFilesAreNumpyArrays() {
        byte[] b = NpyArrays.write(Tensor.of(new long[] {1, -2, 3, 4, 5, 6}, 2, 3));
        String header = new String(b, 10, b.length - 10 - 48, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertEquals(0, (10 + header.length()) % 64, "numpy aligns the data to 64 bytes");
        assertArrayEquals(new long[] {1, -2, 3, 4, 5, 6}, NpyArrays.read(b, "t").longs());
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 8);
        assertThrows(IllegalArgumentException.class, () -> NpyArrays.read(cut, "t"));
        Tensor f = NpyArrays.read(NpyArrays.write(Tensor.of(new float[] {0.5f, -1f}, 2)), "f");
        assertArrayEquals(new long[] {2}, f.shape());
        assertEquals(Json.write(new float[] {0.5f, -1f}), Json.write(f.floats()));
    }

    static Tensor npy(Path dir, String file) throws java.io.IOException {
        return NpyArrays.read(Files.readAllBytes(dir.resolve(file)), file);
    }

    static Path copy(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

}
