package dev.vaeforge.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small untrained-but-valid bundles for CLI tests. */
final class TestBundles {
    private TestBundles() {
    }

    static Path vae(Path out) {
        return vae(out, 1, 16);
    }

    static Path vae(Path out, int channels, int size) {
        VaeConfig cfg = new VaeConfig(channels, size, 4, List.of(8, 8), Likelihood.BERNOULLI, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(cfg);
            vae.initialize(m, DataType.FLOAT32, vae.inputShape(2));
            Manifest.Provenance p = new Manifest.Provenance(Map.of(), "test", "0", 0, 0, Map.of(), 1, Map.of(),
                    "17", "linux", "amd64", null);
            Exporter.export(cfg, vae, p, out, Exporter.Options.defaults());
        }
        return out;
    }
}
