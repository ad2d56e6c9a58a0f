package dev.vaeforge.exporter.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vaeforge.exporter.ExportFixtures;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaeExportTest {
    private static final Manifest.Provenance PROVENANCE = ExportFixtures.PROVENANCE;

    @Test
    void exportedVaeRunsInTheRuntimeWithParityRecorded(@TempDir Path tmp) throws Exception {
        VaeConfig cfg = new VaeConfig(3, 16, 6, List.of(8, 16), Likelihood.GAUSSIAN, 0.2);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(cfg);
            vae.initialize(m, DataType.FLOAT32, vae.inputShape(2));
            ExportFixtures.randomiseParameters(vae, 21);
            Exporter.Prepared p = Exporter.prepare(cfg, vae, PROVENANCE, Exporter.Options.defaults(), null);
            Manifest mf = p.manifest();
            assertEquals("vae", mf.family());
            assertEquals(Map.of("encoder", mf.graphs().get("encoder"), "decoder", mf.graphs().get("decoder")), mf.graphs());
            assertTrue(mf.parity().maxAbsError().get("encoder") <= 1e-4);
            assertTrue(mf.parity().maxAbsError().get("decoder") <= 1e-4);
            assertEquals(0.2, mf.likelihood().sigma());
            assertEquals(Manifest.Latent.GAUSSIAN, mf.latent().kind());
            assertArrayEquals(new long[] {6}, mf.latent().shape());
            assertEquals(Manifest.Prior.STANDARD_NORMAL, mf.prior().type());
            assertEquals(List.of(TensorRole.LATENT_MEAN, TensorRole.LATENT_LOGVAR),
                    mf.graphs().get("encoder").outputs().stream().map(TensorSpec::role).toList());
            assertEquals(new TensorSpec("x_hat", "float32", new long[] {-1, 3, 16, 16}, TensorRole.RECONSTRUCTION,
                    TensorRole.VALUES_PROBABILITIES), mf.graphs().get("decoder").outputs().get(0));
            assertTrue(OnnxModels.metadata(OnnxModels.parse(p.graphs().get(GraphRole.ENCODER), "encoder"))
                    .containsKey("vaeforge.provenance"));

            Path out = tmp.resolve("bundle");
            Exporter.Result r = Exporter.export(cfg, vae, PROVENANCE, out, Exporter.Options.defaults());
            assertEquals(mf.parity(), r.manifest().parity());
            assertTrue(OnnxModels.metadata(OnnxModels.read(out.resolve("encoder.onnx"))).containsKey("vaeforge.provenance"));
            try (VaeRuntime rt = VaeRuntime.open(out, Device.CPU, 3)) {
                float[] x = new float[5 * 3 * 16 * 16];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i % 17) / 16f;
                }
                float[] rec = rt.reconstruct(x, 5);
                assertEquals(x.length, rec.length);
                float[] samples = rt.sample(4, 1);
                for (float v : samples) {
                    assertTrue(v >= 0 && v <= 1);
                }
                assertEquals(7 * 3 * 16 * 16, rt.interpolate(slice(x, 0), slice(x, 1), 7).length);
            }
            // a second export into the same place is refused unless asked to overwrite
            VaeforgeException e = assertThrows(VaeforgeException.class,
                    () -> Exporter.export(cfg, vae, PROVENANCE, out, Exporter.Options.defaults()));
            assertTrue(e.getMessage().contains("already exists"));
            Exporter.export(cfg, vae, PROVENANCE, out, Exporter.Options.defaults().withOverwrite(true));
            try (var files = Files.list(tmp)) {
                assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(".")), "no staging directories left");
            }
        }
    }

    @Test
    void nonFiniteWeightsNeverReachABundle(@TempDir Path tmp) {
        VaeConfig cfg = new VaeConfig(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(cfg);
            vae.initialize(m, DataType.FLOAT32, vae.inputShape(2));
            var p = vae.getParameters().get(0);
            float[] w = p.getValue().getArray().toFloatArray();
            w[5] = Float.NaN;
            p.getValue().getArray().set(w);
            Path out = tmp.resolve("bundle");
            VaeforgeException e = assertThrows(VaeforgeException.class,
                    () -> Exporter.export(cfg, vae, PROVENANCE, out, Exporter.Options.defaults()));
            assertEquals(VaeforgeException.Code.BAD_RUN, e.code());
            assertEquals("export refused: parameter '" + p.getKey() + "' holds NaN at index 5; NaN or infinite weights"
                    + " never reach a bundle; nothing was written", e.getMessage());
            assertFalse(Files.exists(out));
        }
    }

    private static float[] slice(float[] x, int i) {
        float[] a = new float[3 * 16 * 16];
        System.arraycopy(x, i * a.length, a, 0, a.length);
        return a;
    }
}
