package dev.vaeforge.exporter;

import dev.vaeforge.trainer.family.Architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.trainer.betavae.BetaVaeConfig;
import dev.vaeforge.trainer.capacityvae.CapacityVaeConfig;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import dev.vaeforge.trainer.family.FamilyRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tensor of every manifest the exporter writes has its role (format v2), read back from the
 * manifest.json on disk; the reconstruction says its values are probabilities; the latent is v2's.
 */
class ManifestRolesTest {
    private static final List<Integer> W = List.of(8, 16);

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("vae", new VaeConfig(1, 16, 4, W, Likelihood.BERNOULLI, 0)),
                Arguments.of("beta-vae", new BetaVaeConfig(new Architecture(1, 16, 4, W, Likelihood.BERNOULLI, 0), 4.0, null, 0)),
                Arguments.of("capacity-vae", new CapacityVaeConfig(new Architecture(1, 16, 4, W, Likelihood.GAUSSIAN, 0.2), null, null, null)),
                Arguments.of("cvae", new CvaeConfig(new Architecture(1, 16, 4, W, Likelihood.BERNOULLI, 0), ConditionKind.LABELS, List.of("a", "b", "c"))),
                Arguments.of("vqvae", new VqVaeConfig(new Architecture(1, 16, 1, W, Likelihood.BERNOULLI, 0), 16, 4, null, false, null, null, null)),
                Arguments.of("vaegan", new VaeGanConfig(new Architecture(1, 16, 4, W, Likelihood.BERNOULLI, 0), null, 1, null, null, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyWrittenTensorHasARole(String family, ModelConfig config, @TempDir Path tmp) {
        Exporter.Prepared p;
        try (NDManager mgr = NDManager.newBaseManager()) {
            Block block = FamilyRegistry.of(config).newBlock(config);
            block.initialize(mgr, DataType.FLOAT32, FamilyRegistry.of(config).inputShapes(config, 2));
            p = Exporter.prepare(config, block, ExportFixtures.PROVENANCE, Exporter.Options.defaults(), null);
        }
        Path out = tmp.resolve(family);
        BundleWriter.write(out, p.manifest(), p.graphs(), p.files(), false);
        Manifest m = Json.read(out.resolve(BundleFormat.MANIFEST), Manifest.class, dev.vaeforge.runtime.VaeforgeException.Code.BAD_BUNDLE);
        assertEquals(BundleFormat.VERSION, m.formatVersion());
        assertEquals(family, m.family());
        assertTrue(List.of(Manifest.Latent.GAUSSIAN, Manifest.Latent.CODES).contains(m.latent().kind()), m.latent().kind());
        assertNotNull(m.latent().shape(), "v2 latent shape");
        int reconstructions = 0;
        for (Map.Entry<String, Manifest.Graph> g : m.graphs().entrySet()) {
            List<TensorSpec> tensors = new ArrayList<>(g.getValue().inputs());
            tensors.addAll(g.getValue().outputs());
            for (TensorSpec t : tensors) {
                String where = family + " " + g.getKey() + " " + t;
                assertTrue(TensorRole.ALL.contains(t.role()), where + " has role " + t.role());
                if (TensorRole.RECONSTRUCTION.equals(t.role())) {
                    assertEquals(TensorRole.VALUES_PROBABILITIES, t.values(), where);
                    reconstructions++;
                } else {
                    assertNull(t.values(), where);
                }
            }
        }
        assertEquals(1, reconstructions, "one decoder output");
    }
}
