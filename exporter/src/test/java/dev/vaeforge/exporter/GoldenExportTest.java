package dev.vaeforge.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.Golden;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vqvae.VqVae;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every export stores golden tensors for every graph, and they verify on the machine that wrote them. */
class GoldenExportTest {
    @Test
    void aCodeGridExportCarriesGoldenTensorsThatVerify(@TempDir Path tmp) {
        VqVaeConfig cfg = new VqVaeConfig(new Architecture(1, 16, 1, List.of(8, 16), Likelihood.BERNOULLI, 0), 32, 8, null,
                false, null, null, null);
        try (NDManager m = NDManager.newBaseManager()) {
            VqVae vq = new VqVae(cfg);
            vq.initialize(m, DataType.FLOAT32, vq.inputShape(2));
            ExportFixtures.randomiseParameters(vq, 17);
            Path out = Exporter.export(cfg, vq, ExportFixtures.PROVENANCE, tmp.resolve("b"), Exporter.Options.defaults()).bundle();
            Manifest manifest = BundleReader.open(out).manifest();
            Golden g = manifest.golden();
            assertNotNull(g, "export writes golden tensors");
            assertEquals(manifest.graphs().keySet(), g.graphs().keySet(), "for every graph");
            GoldenVerifier.Report r = GoldenVerifier.verify(BundleReader.open(out), Device.CPU, null);
            assertTrue(r.passed(), r.toString());
            GoldenVerifier.GraphResult q = r.graphs().stream().filter(x -> x.graph().equals("quantizer")).findFirst().orElseThrow();
            assertTrue(q.intValues() > 0 && q.intMismatches() == 0, q.toString());
        }
    }
}
