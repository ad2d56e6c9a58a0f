package dev.vaeforge.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A format-1 manifest is upgraded in memory: roles from v1's fixed tensor names, the latent in v2 terms. */
class FormatV1UpgradeTest {
    @TempDir
    Path tmp;

    @Test
    void theV1FixtureGetsItsRoles() throws Exception {
        Path dir = Path.of(FormatV1UpgradeTest.class.getClassLoader().getResource("bundles/v1-vae-shapes16").toURI());
        Manifest m = BundleReader.open(dir).manifest();
        assertEquals(1, m.formatVersion());
        assertEquals(Manifest.Latent.GAUSSIAN, m.latent().kind());
        assertArrayEquals(new long[] {3}, m.latent().shape());
        Manifest.Graph enc = m.graphs().get("encoder");
        assertEquals("x", enc.input(TensorRole.IMAGE).orElseThrow().name());
        assertEquals("mu", enc.output(TensorRole.LATENT_MEAN).orElseThrow().name());
        assertEquals("logvar", enc.output(TensorRole.LATENT_LOGVAR).orElseThrow().name());
        Manifest.Graph dec = m.graphs().get("decoder");
        assertEquals("z", dec.input(TensorRole.LATENT).orElseThrow().name());
        TensorSpec out = dec.output(TensorRole.RECONSTRUCTION).orElseThrow();
        assertEquals("x_hat", out.name());
        assertEquals(TensorRole.VALUES_PROBABILITIES, out.values(), "v1 decoders end in a sigmoid");
        assertNull(enc.output(TensorRole.LATENT_MEAN).get().values());
    }

    @Test
    void aV1GridLatentBecomesCodesWithEveryRole() throws Exception {
        Manifest m = BundleReader.read(write(GRID));
        assertTrue(m.latent().codes());
        assertArrayEquals(new long[] {2, 3}, m.latent().shape());
        assertEquals(4, m.latent().codeDim());
        assertEquals(8, m.latent().codebookSize());
        Manifest.Graph q = m.graphs().get("quantizer");
        assertEquals(List.of(TensorRole.LATENT_UNQUANTIZED), q.inputs().stream().map(TensorSpec::role).toList());
        assertEquals(List.of(TensorRole.CODE_INDICES, TensorRole.LATENT_QUANTIZED, TensorRole.CODEBOOK),
                q.outputs().stream().map(TensorSpec::role).toList());
        assertEquals(TensorRole.LATENT_QUANTIZED, m.graphs().get("decoder").inputs().get(0).role());
        assertEquals(List.of(TensorRole.LOGIT, TensorRole.FEATURES),
                m.graphs().get("discriminator").outputs().stream().map(TensorSpec::role).toList());
        assertEquals(TensorRole.CONDITION, m.graphs().get("encoder").inputs().get(1).role());
    }

    @Test
    void aBadV1LatentNamesItsField() throws Exception {
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> BundleReader.read(write(GRID.replace("\"height\": 2,", ""))));
        assertTrue(e.getMessage().endsWith("manifest.json: field 'latent' of kind grid needs {kind: grid, dim, height,"
                + " width, codebookSize} with positive values"), e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> BundleReader.read(write(GRID.replace("\"grid\"", "\"levels\""))));
        assertTrue(e.getMessage().endsWith("field 'latent.kind' must be vector or grid, got 'levels'"), e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> BundleReader.read(write(GRID.replace("\"dim\": 4", "\"dim\": 0"))));
        assertTrue(e.getMessage().endsWith("field 'latent.dim' must be a positive integer"), e.getMessage());
    }

    private Path write(String json) throws Exception {
        Path f = tmp.resolve("manifest.json");
        Files.writeString(f, json);
        return f;
    }

    private static final String GRID = """
            {"format": "vaeforge-bundle", "formatVersion": 1, "family": "some-grid-model",
             "image": {"channels": 1, "height": 8, "width": 8, "pixelRange": [0, 1]},
             "likelihood": {"type": "bernoulli"},
             "latent": {"kind": "grid", "dim": 4, "height": 2, "width": 3, "codebookSize": 8},
             "prior": {"type": "codes-uniform"}, "opset": 17,
             "graphs": {
               "encoder": {"file": "encoder.onnx", "sha256": "00",
                 "inputs": [{"name": "x", "dtype": "float32", "shape": [-1, 1, 8, 8]},
                            {"name": "y", "dtype": "float32", "shape": [-1, 2]}],
                 "outputs": [{"name": "z_e", "dtype": "float32", "shape": [-1, 4, 2, 3]}]},
               "quantizer": {"file": "quantizer.onnx", "sha256": "00",
                 "inputs": [{"name": "z_e", "dtype": "float32", "shape": [-1, 4, 2, 3]}],
                 "outputs": [{"name": "indices", "dtype": "int64", "shape": [-1, 2, 3]},
                             {"name": "z_q", "dtype": "float32", "shape": [-1, 4, 2, 3]},
                             {"name": "codebook", "dtype": "float32", "shape": [8, 4]}]},
               "decoder": {"file": "decoder.onnx", "sha256": "00",
                 "inputs": [{"name": "z_q", "dtype": "float32", "shape": [-1, 4, 2, 3]}],
                 "outputs": [{"name": "x_hat", "dtype": "float32", "shape": [-1, 1, 8, 8]}]},
               "discriminator": {"file": "discriminator.onnx", "sha256": "00",
                 "inputs": [{"name": "x", "dtype": "float32", "shape": [-1, 1, 8, 8]}],
                 "outputs": [{"name": "logit", "dtype": "float32", "shape": [-1, 1]},
                             {"name": "features", "dtype": "float32", "shape": [-1, 4, 2, 2]}]}}}
            """;
}
