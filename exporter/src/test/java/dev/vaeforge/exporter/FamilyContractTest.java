package dev.vaeforge.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.fixtures.FloatArrays;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesData;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.EvalListener;
import dev.vaeforge.runtime.eval.EvalOutputs;
import dev.vaeforge.runtime.eval.EvalSettings;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.run.TrainingRun;
import dev.vaeforge.trainer.train.StepProgress;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered family goes the whole path with its defaults: train a few steps on tiny labelled
 * shapes, export (parity-checked), reopen the bundle with the runtime alone, reconstruct, sample,
 * evaluate, and resume a run stopped mid-epoch to exactly the uninterrupted result. A new family gets
 * this test by registering in {@link FamilyRegistry}.
 */
class FamilyContractTest {
    private static final int SIZE = 16;
    private static final int EPOCHS = 2;
    /** 96 images: 24 test, 72 train = 4 batches of 16 per epoch (full batches), 8 steps in all. */
    private static final int IMAGES = 96;
    private static final long CRASH_STEP = 5;

    @TempDir
    Path tmp;

    /**
     * Every family with its defaults, and every family that takes a learned prior with a small VampPrior
     * and with a small flow prior.
     */
    static Stream<String> families() {
        return Stream.of(FamilyRegistry.ids().stream(),
                FamilyRegistry.withLearnedPriors().stream().map(id -> id + VAMP),
                FamilyRegistry.withLearnedPriors().stream().map(id -> id + FLOW),
                FamilyRegistry.withFlowPosteriors().stream().flatMap(id -> Stream.of(id + PLANAR, id + IAF)))
                .flatMap(s -> s);
    }

    private static final String PLANAR = "+planar";
    private static final String IAF = "+iaf";

    private static final String VAMP = "+vamp";
    private static final String FLOW = "+flow";

    @Test
    void theRegistryListsEveryFamilyOnceWithItsOwnConfigType() {
        assertEquals(FamilyRegistry.all().size(), FamilyRegistry.ids().size());
        assertTrue(FamilyRegistry.ids().containsAll(List.of("vae", "beta-vae", "capacity-vae", "cvae", "vqvae", "vaegan")),
                "today's six families stay registered: " + FamilyRegistry.ids());
        for (Family<?> f : FamilyRegistry.all()) {
            assertEquals(f, FamilyRegistry.get(f.id()));
            assertFalse(f.summary().isBlank(), f.id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void trainsExportsReopensReconstructsSamplesEvaluatesAndResumesExactly(String variant) throws Exception {
        boolean vamp = variant.endsWith(VAMP);
        boolean flowPrior = variant.endsWith(FLOW);
        String posterior = variant.endsWith(PLANAR) ? "planar" : variant.endsWith(IAF) ? "iaf" : null;
        String id = variant.contains("+") ? variant.substring(0, variant.indexOf('+')) : variant;
        ArrayDataset data = data();
        ModelConfig model = configure(FamilyRegistry.get(id), data, vamp ? "vamp" : flowPrior ? "flow" : null, posterior);
        assertEquals(vamp || flowPrior, model.architecture().prior().learned());
        assertEquals(posterior != null, model.architecture().posterior().flow());
        assertEquals(id, model.family());
        TrainConfig config = TrainConfig.builder(model, "shapes").optEpochs(EPOCHS).optBatchSize(16)
                .optLearningRate(1e-3).optSeed(11).optTestFraction(0.25).optCheckpointEvery(3).optKeepCheckpoints(2)
                .build();

        Path straight = tmp.resolve("straight");
        TrainingRun.run(config, data, straight, false);
        Path resumed = tmp.resolve("resumed");
        assertThrows(Crash.class, () -> TrainingRun.run(config, data, resumed, false, new CrashAfter(CRASH_STEP)));
        TrainingRun.resume(resumed, data);
        assertEquals(epochsWithoutTimes(straight), epochsWithoutTimes(resumed),
                id + ": a run stopped after step " + CRASH_STEP + " and resumed logs what the uninterrupted run logs");

        Path bundle = tmp.resolve("bundle");
        Path resumedBundle = tmp.resolve("resumed-bundle");
        RunExporter.export(straight, RunExporter.Which.LATEST, bundle, Exporter.Options.defaults(), () -> data);
        RunExporter.export(resumed, RunExporter.Which.LATEST, resumedBundle, Exporter.Options.defaults(), () -> data);

        ImageShape shape = model.imageShape();
        int n = 8;
        float[] x = new float[n * shape.size()];
        for (int i = 0; i < n; i++) {
            data.read(i, x, i * shape.size());
        }
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             VaeRuntime again = VaeRuntime.open(resumedBundle, Device.CPU)) {
            assertEquals(id, rt.manifest().family(), "the manifest's family label");
            assertEquals(shape, rt.imageShape());
            float[] y = rt.condition().map(spec -> DatasetConditions.of(spec, data).range(0, n)).orElse(null);
            float[] r = rt.reconstruct(x, y, n);
            assertEquals(x.length, r.length);
            FloatArrays.assertInRange(r, 0f, 1f, id + " reconstruction");
            assertArrayEquals(r, again.reconstruct(x, y, n), id + ": the resumed run's bundle reconstructs bit for bit alike");
            float[] s = rt.hasCodes() ? rt.sample(n, 5) : rt.sample(n, 5, y);
            assertEquals(n * shape.size(), s.length);
            FloatArrays.assertInRange(s, 0f, 1f, id + " samples");
            if (rt.hasGaussianLatent()) {
                float[] line = rt.interpolate(slice(x, 0, shape.size()), slice(x, 1, shape.size()), 3,
                        y == null ? null : slice(y, 0, y.length / n));
                assertEquals(3 * shape.size(), line.length);
            }

            // a flow posterior's NLL goes through its graph as well
            EvalSettings settings = new EvalSettings(24, 8, EnumSet.allOf(MetricName.class), 8, 1, posterior != null ? 4 : 0);
            Path evalDir = tmp.resolve("eval");
            EvaluationResult result;
            try (EvalOutputs out = EvalOutputs.create(evalDir, false, settings.metrics())) {
                result = new Evaluator(rt, settings, null, Device.CPU, EvalListener.NONE).evaluate(data,
                        new EvaluationResult.DatasetRef("shapes", null, data.description(), data.fingerprint(), data.size()),
                        bundle, out);
            }
            assertTrue(result.complete(), id);
            if (vamp) {
                assertEquals("gaussian-mixture", rt.prior().type(), id + ": the VampPrior travels as its mixture");
                assertTrue(result.estimation().get("kl").startsWith("Monte Carlo"), result.estimation().get("kl"));
                assertTrue(result.reconstruction().get("kl").mean() > -1, id + ": a Monte-Carlo KL near or above 0");
                assertTrue(rt.manifest().parity().maxAbsError().get("encoder") < Exporter.Options.defaults().tolerance());
            } else if (flowPrior) {
                assertEquals("graphs", rt.prior().type(), id + ": the flow travels as its two graphs");
                assertTrue(result.estimation().get("kl").startsWith("Monte Carlo"), result.estimation().get("kl"));
                assertTrue(result.reconstruction().get("kl").mean() > -1, id + ": a Monte-Carlo KL near or above 0");
                for (String g : List.of("prior_sample", "prior_log_prob")) {
                    assertTrue(rt.manifest().parity().maxAbsError().get(g) < Exporter.Options.defaults().tolerance(), g);
                }
                assertTrue(rt.prior().description().contains("RealNVP flow (2 affine coupling layers, hidden 8)"),
                        rt.prior().description());
            } else if (rt.hasGaussianLatent()) {
                assertEquals("standard-normal", rt.prior().type());
            }
            if (posterior != null) {
                assertTrue(rt.manifest().graphs().containsKey("posterior_flow"), id + ": the flow travels as its graph");
                assertTrue(rt.manifest().parity().maxAbsError().get("posterior_flow") < Exporter.Options.defaults().tolerance());
                assertTrue(result.estimation().get("kl").contains("flow posterior"), result.estimation().get("kl"));
                assertTrue(Double.isFinite(result.reconstruction().get("nll").mean()), id + ": the NLL through the flow");
                assertTrue(Files.readString(straight.resolve("metrics.csv")).lines().findFirst().orElseThrow()
                        .endsWith("trainLogDet,testLogDet"), id + ": the log-determinant columns");
            }
            assertEquals(24, result.dataset().images());
            for (String f : List.of(EvalOutputs.JSON, EvalOutputs.CSV, EvalOutputs.REPORT, EvalOutputs.SAMPLES)) {
                assertTrue(Files.isRegularFile(evalDir.resolve(f)), id + ": " + f);
            }
        }
    }

    private static ModelConfig configure(Family<?> family, ArrayDataset data, String prior, String flow) {
        Architecture arch = new Architecture(1, SIZE, 3, List.of(8, 16), Likelihood.BERNOULLI, 0);
        if (prior != null) {
            arch = arch.withPrior(dev.vaeforge.trainer.prior.PriorSpec.of(prior, 5, 2, 8));
        }
        if (flow != null) {
            arch = arch.withPosterior(dev.vaeforge.trainer.posterior.PosteriorSpec.of(flow, 2));
        }
        return family.configure(arch, ParameterValues.none(), new FamilyContext(data, EPOCHS, 16));
    }

    private static ArrayDataset data() {
        ShapesData d = Shapes.generate(new ShapesSpec(IMAGES, SIZE, false, 21));
        return new ArrayDataset("shapes", new ImageShape(1, SIZE, SIZE), d.pixels(), d.labels(), d.labelNames());
    }

    /** metrics.jsonl of a run without its wall-clock fields. */
    private static List<JsonNode> epochsWithoutTimes(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            ObjectNode o = (ObjectNode) json.readTree(line);
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (f.toLowerCase(java.util.Locale.ROOT).contains("second")) {
                    it.remove();
                }
            }
            out.add(o);
        }
        assertEquals(EPOCHS, out.size(), run + ": one line per epoch");
        return out;
    }

    private static float[] slice(float[] a, int item, int per) {
        float[] out = new float[per];
        System.arraycopy(a, item * per, out, 0, per);
        return out;
    }

    /** Stands for the process dying after a step. */
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private record CrashAfter(long step) implements TrainListener {
        @Override
        public void onStep(StepProgress p) {
            if (p.globalStep() == step) {
                throw new Crash();
            }
        }
    }
}
