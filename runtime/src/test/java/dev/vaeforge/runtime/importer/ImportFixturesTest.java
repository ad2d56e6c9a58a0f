package dev.vaeforge.runtime.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.ImportFixtures;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.NpyArrays;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three graphs PyTorch exported ({@code scripts/make-import-fixtures.py}) import with the options their
 * fixtures.json names, and vaeforge's runtime reproduces PyTorch's own outputs on the fixed inputs to 1e-4:
 * posterior means (times the latent scale), nearest codes, reconstructions in [0, 1]. Golden tensors verify.
 */
class ImportFixturesTest {
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    static Path imported(String name, Path tmp) {
        return importFrom(name, ImportFixtures.copy(name, tmp.resolve(name)), tmp.resolve(name + "-bundle"));
    }

    /** Imports fixture {@code name}'s graphs in {@code src} with the options its fixtures.json lists. */
    static Path importFrom(String name, Path src, Path out) {
        ImportOptions o = switch (name) {
            case ImportFixtures.PYTHAE_CONV_VAE -> ImportOptions.of(src.resolve("encoder.onnx"), src.resolve("decoder.onnx"), null);
            case ImportFixtures.KL_AUTOENCODER -> new ImportOptions(src.resolve("encoder.onnx"), src.resolve("decoder.onnx"),
                    null, Map.of(), true, "pixels", new double[] {-1, 1}, new Manifest.Likelihood("gaussian", 0.1), 0.18215, 17L);
            default -> ImportOptions.of(src.resolve("encoder.onnx"), src.resolve("decoder.onnx"), src.resolve("quantizer.onnx"));
        };
        return Importer.run(o, out, false).bundle();
    }

    static Tensor npy(Path dir, String file) throws IOException {
        return NpyArrays.read(Files.readAllBytes(dir.resolve(file)), file);
    }

    @Test
    void pythaeConvVaeMatchesPytorch() throws Exception {
        Path bundle = imported(ImportFixtures.PYTHAE_CONV_VAE, tmp);
        Path src = tmp.resolve(ImportFixtures.PYTHAE_CONV_VAE);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            Manifest m = rt.manifest();
            assertNull(m.family());
            assertEquals(Manifest.Latent.gaussian(4), m.latent());
            assertEquals("bernoulli", m.likelihood().type());
            assertEquals(TensorRole.VALUES_PROBABILITIES, m.graphs().get("decoder").output(TensorRole.RECONSTRUCTION)
                    .orElseThrow().values());
            assertEquals("embedding", m.graphs().get("encoder").output(TensorRole.LATENT_MEAN).orElseThrow().name());
            assertEquals("log_covariance", m.graphs().get("encoder").output(TensorRole.LATENT_LOGVAR).orElseThrow().name());
            Manifest.Imported imp = m.provenance().imported();
            assertNotNull(imp);
            assertEquals(4, imp.probes().size(), "batches of 2 and 3 through encoder and decoder");
            compare(rt, src, 4);
        }
    }

    @Test
    void klAutoencoderMatchesPytorch() throws Exception {
        Path bundle = imported(ImportFixtures.KL_AUTOENCODER, tmp);
        Path src = tmp.resolve(ImportFixtures.KL_AUTOENCODER);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            Manifest m = rt.manifest();
            assertArrayEquals(new long[] {4, 8, 8}, m.latent().shape());
            assertEquals(0.18215, m.latent().scale());
            assertArrayEquals(new double[] {-1, 1}, m.image().pixelRange());
            assertEquals(TensorRole.LATENT_MOMENTS, m.graphs().get("encoder").outputs().get(0).role());
            compare(rt, src, 4);
        }
    }

    @Test
    void vqModelMatchesPytorch() throws Exception {
        Path bundle = imported(ImportFixtures.VQ_MODEL, tmp);
        Path src = tmp.resolve(ImportFixtures.VQ_MODEL);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            assertEquals(Manifest.Latent.codes(4, 4, 4, 16), rt.manifest().latent());
            Tensor x = npy(src, "input.npy");
            VaeRuntime.Codes codes = rt.quantize(rt.encodeGrid(x.floats(), 4), 4);
            assertArrayEquals(npy(src, "codes.npy").longs(), codes.indices());
            assertClose(npy(src, "reconstruction.npy").floats(), rt.reconstruct(x.floats(), 4), "reconstruction");
            assertTrue(GoldenVerifier.verify(rt.bundle(), Device.CPU, null).passed());
        }
    }

    static void compare(VaeRuntime rt, Path src, int n) throws IOException {
        Tensor x = npy(src, "input.npy");
        Posterior q = rt.encode(x.floats(), n);
        assertClose(npy(src, "mean.npy").floats(), q.mu(), "posterior mean");
        assertClose(npy(src, "reconstruction.npy").floats(), rt.reconstruct(x.floats(), n), "reconstruction");
        GoldenVerifier.Report r = GoldenVerifier.verify(rt.bundle(), Device.CPU, null);
        assertTrue(r.passed(), r.toString());
    }

    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max <= TOLERANCE, what + ": max |vaeforge - PyTorch| = " + max + " > " + TOLERANCE);
    }
}
