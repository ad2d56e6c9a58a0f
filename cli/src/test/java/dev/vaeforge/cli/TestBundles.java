package dev.vaeforge.cli;

import dev.vaeforge.trainer.family.Architecture;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
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

    /** A cvae bundle on shapes' three classes, or on three attributes. */
    static Path cvae(Path out, boolean attributes) {
        CvaeConfig cfg = new CvaeConfig(new Architecture(1, 16, 4, List.of(8, 8), Likelihood.BERNOULLI, 0), attributes ? ConditionKind.ATTRIBUTES : ConditionKind.LABELS, attributes ? List.of("Smiling", "Eyeglasses", "Male") : List.of("square", "ellipse", "heart"));
        try (NDManager m = NDManager.newBaseManager()) {
            ConditionalVae cvae = new ConditionalVae(cfg);
            cvae.initialize(m, DataType.FLOAT32, cvae.inputShapes(2));
            Manifest.Provenance p = new Manifest.Provenance(Map.of(), "test", "0", 0, 0, Map.of(), 1, Map.of(),
                    "17", "linux", "amd64", null);
            Exporter.export(cfg, cvae, p, out, Exporter.Options.defaults());
        }
        return out;
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
