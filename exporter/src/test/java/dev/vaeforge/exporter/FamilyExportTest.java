package dev.vaeforge.exporter;

import dev.vaeforge.trainer.family.Architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.betavae.BetaVaeConfig;
import dev.vaeforge.trainer.capacityvae.CapacityVaeConfig;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.betavae.KlSchedule;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every new family exports with parity on every graph, lists exactly its graphs, and its bundle
 * reconstructs and samples through the runtime (images of the right shape, values in [0,1]).
 */
class FamilyExportTest {
    static final List<Integer> W = List.of(8, 16);

    @TempDir
    Path tmp;

    @Test
    void betaVae() {
        InMemory p = prepare(new BetaVaeConfig(new Architecture(1, 16, 4, W, Likelihood.BERNOULLI, 0), 4.0, new KlSchedule.Cyclical(4, 0.5, Span.ofEpochs(10)), 0.1), "beta-vae", ENCODER_DECODER);
        Manifest m = p.manifest();
        assertNull(m.conditioning());
        exportAndUse(p, null);
    }

    @Test
    void capacityVae() {
        InMemory p = prepare(new CapacityVaeConfig(new Architecture(3, 16, 5, W, Likelihood.GAUSSIAN, 0.2), null, null, null),
                "capacity-vae", ENCODER_DECODER);
        Manifest m = p.manifest();
        assertEquals(0.2, m.likelihood().sigma());
        assertNull(m.conditioning());
        exportAndUse(p, null);
    }

    @Test
    void cvaeOnLabels() {
        CvaeConfig c = new CvaeConfig(new Architecture(1, 16, 4, W, Likelihood.BERNOULLI, 0), ConditionKind.LABELS, List.of("square", "ellipse", "heart"));
        InMemory p = prepare(c, "cvae", ENCODER_DECODER);
        Manifest m = p.manifest();
        assertEquals(new Manifest.Conditioning("labels", List.of("square", "ellipse", "heart")), m.conditioning());
        assertEquals("[x:float32[N,1,16,16], y:float32[N,3]]", m.graphs().get("encoder").inputs().toString());
        assertEquals("[z:float32[N,4], y:float32[N,3]]", m.graphs().get("decoder").inputs().toString());
        assertEquals(TensorRole.CONDITION, m.graphs().get("decoder").inputs().get(1).role());
        exportAndUse(p, spec -> Condition.label(spec, "heart"));
    }

    @Test
    void cvaeOnAttributes() {
        CvaeConfig c = new CvaeConfig(new Architecture(3, 16, 6, W, Likelihood.BERNOULLI, 0), ConditionKind.ATTRIBUTES, List.of("Smiling", "Eyeglasses", "Male", "Bald"));
        InMemory p = prepare(c, "cvae", ENCODER_DECODER);
        Manifest m = p.manifest();
        assertEquals("attributes", m.conditioning().type());
        assertEquals(4, m.conditioning().names().size());
        exportAndUse(p, spec -> Condition.attributes(spec, "Smiling=1,Eyeglasses=1"));
    }

    @Test
    void vaeganWithItsDiscriminator() {
        VaeGanConfig c = new VaeGanConfig(new Architecture(3, 16, 5, W, Likelihood.BERNOULLI, 0), List.of(8, 16), 1, null, null, null, null);
        InMemory p = prepare(c, "vaegan", Set.of("encoder", "decoder", "discriminator"));
        Manifest m = p.manifest();
        assertEquals("[x:float32[N,3,16,16]]", m.graphs().get("discriminator").inputs().toString());
        assertEquals("[logit:float32[N,1], features:float32[N,8,8,8]]", m.graphs().get("discriminator").outputs().toString());
        assertEquals(List.of(TensorRole.LOGIT, TensorRole.FEATURES),
                m.graphs().get("discriminator").outputs().stream().map(TensorSpec::role).toList());
        exportAndUse(p, null);
        try (VaeRuntime rt = VaeRuntime.open(tmp.resolve("vaegan"), Device.CPU, 2)) {
            assertTrue(rt.hasDiscriminator());
            int per = rt.imageShape().size();
            float[] x = new float[5 * per];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) / 6f;
            }
            VaeRuntime.Verdict v = rt.discriminate(x, 5);
            assertEquals(5, v.logits().length);
            assertEquals(5 * 8 * 8 * 8, v.features().length);
            // batches of 2, 2 and 1 give what one image at a time gives
            for (int i = 0; i < 5; i++) {
                VaeRuntime.Verdict one = rt.discriminate(java.util.Arrays.copyOfRange(x, i * per, (i + 1) * per), 1);
                assertEquals(one.logits()[0], v.logits()[i], 1e-5);
            }
        }
        try (VaeRuntime rt = VaeRuntime.open(tmp.resolve("vaegan"), Device.CPU, 2)) {
            assertFalse(rt.hasCodes());
        }
    }

    @Test
    void aBlockOfAnotherFamilyIsRefused() {
        CvaeConfig c = new CvaeConfig(new Architecture(1, 16, 4, W, null, 0), null, List.of("a", "b"));
        try (NDManager mgr = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(c.architecture());
            vae.initialize(mgr, DataType.FLOAT32, vae.inputShape(2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Exporter.export(c, vae,
                    ExportFixtures.PROVENANCE, tmp.resolve("x"), Exporter.Options.defaults()));
            assertTrue(e.getMessage().contains("needs a ConditionalVae"), e.getMessage());
        }
    }

    private static final Set<String> ENCODER_DECODER = Set.of("encoder", "decoder");

    /** A model exported in memory: its config, its family label and the manifest built for it. */
    private record InMemory(ModelConfig config, String family, Manifest manifest) {
    }

    /**
     * Exports {@code config}'s model with seeded weights in memory and checks what needs no runtime: the
     * family label, exactly the expected graphs, parity measured and within the tolerance on every one.
     */
    private InMemory prepare(ModelConfig config, String family, Set<String> graphs) {
        try (NDManager mgr = NDManager.newBaseManager()) {
            Block block = FamilyRegistry.of(config).newBlock(config);
            block.initialize(mgr, DataType.FLOAT32, FamilyRegistry.of(config).inputShapes(config, 2));
            ExportFixtures.randomiseParameters(block, 33);
            Manifest m = Exporter.prepare(config, block, ExportFixtures.PROVENANCE, Exporter.Options.defaults(), null)
                    .manifest();
            assertEquals(family, m.family());
            assertEquals(BundleFormat.VERSION, m.formatVersion());
            assertEquals(graphs, m.graphs().keySet(), "exactly the family's graphs");
            assertEquals(graphs, m.parity().maxAbsError().keySet(), "parity measured on every graph");
            m.parity().maxAbsError().forEach((g, err) -> assertTrue(err <= 1e-4, g + " parity " + err));
            assertEquals(m.conditioning() != null, block instanceof ConditionalVae);
            return new InMemory(config, family, m);
        }
    }

    /** Exports the model {@link #prepare} exported in memory into a bundle and uses it through the runtime. */
    private void exportAndUse(InMemory prepared, java.util.function.Function<ConditionSpec, Condition> condition) {
        ModelConfig config = prepared.config();
        Path out = tmp.resolve(prepared.family());
        try (NDManager mgr = NDManager.newBaseManager()) {
            Block block = FamilyRegistry.of(config).newBlock(config);
            block.initialize(mgr, DataType.FLOAT32, FamilyRegistry.of(config).inputShapes(config, 2));
            ExportFixtures.randomiseParameters(block, 33);
            Manifest m = Exporter.export(config, block, ExportFixtures.PROVENANCE, out, Exporter.Options.defaults())
                    .manifest();
            assertEquals(prepared.manifest().parity(), m.parity(), "the same weights and seed give the same parity");
            try (VaeRuntime rt = VaeRuntime.open(out, Device.CPU, 3)) {
                int per = rt.imageShape().size();
                int n = 5;
                float[] x = new float[n * per];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i % 13) / 12f;
                }
                float[] y = condition == null ? null : condition.apply(rt.condition().orElseThrow()).repeat(n);
                assertInUnitRange(rt.reconstruct(x, y, n), n * per);
                assertInUnitRange(rt.sample(n, 7, y), n * per);
                float[] one = new float[per];
                float[] yOne = y == null ? null : java.util.Arrays.copyOf(y, y.length / n);
                assertInUnitRange(rt.interpolate(one, java.util.Arrays.copyOf(x, per), 4, yOne), 4 * per);
                assertEquals(condition != null, rt.condition().isPresent());
            }
        }
    }

    private static void assertInUnitRange(float[] images, int expectedLength) {
        assertEquals(expectedLength, images.length);
        boolean varies = false;
        for (float v : images) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
            varies |= v != images[0];
        }
        assertTrue(varies, "not a constant image");
        assertFalse(Float.isNaN(images[0]));
    }
}
