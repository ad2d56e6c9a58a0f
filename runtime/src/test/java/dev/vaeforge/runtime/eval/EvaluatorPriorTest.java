package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.V2Fixtures;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.metrics.PixelMetrics;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator asks the latent head and the bundle's Prior, and the report describes the draws in the prior's words. */
class EvaluatorPriorTest {
    @Test
    void gaussianGenerationDrawsOneSeededStreamAsBefore(@TempDir Path tmp) throws Exception {
        Path bundle = EvaluatorTest.fixtureBundle();
        EvalSettings s = new EvalSettings(4, 2, EnumSet.of(MetricName.MSE), 5, 9);
        EvaluationResult r = evaluate(bundle, EvaluatorTest.shapes(4, 2), s, tmp.resolve("e"));
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            // what format-1 evaluations drew: z ~ N(0, I) from one Random(seed) over all batches
            Random random = new Random(9);
            float[] z = new float[5 * 3];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) random.nextGaussian();
            }
            float[] xg = rt.decode(z, 5);
            double[] mse = PixelMetrics.mse(xg, rt.reconstruct(xg, 5), 5, rt.imageShape());
            double mean = 0;
            for (double v : mse) {
                mean += v / 5;
            }
            assertEquals(mean, r.generation().get("mse").mean(), 1e-12);
        }
        assertEquals("z ~ N(0, I)", r.settings().prior());
        assertTrue(r.estimation().get("generation").startsWith("z ~ N(0, I) seeded;"));
        assertTrue(r.estimation().get("elbo").contains("KL(q(z|x) || N(0, I))"));
        assertTrue(Files.readString(tmp.resolve("e").resolve(EvalOutputs.REPORT)).contains("5 samples z ~ N(0, I) (seed 9)"));
    }

    @Test
    void aCodeGridHasNoKlAndCountsItsCodes(@TempDir Path tmp) throws Exception {
        Path bundle = tmp.resolve("codes");
        V2Fixtures.writeCodes(bundle, new CodePrior(2, 2, 2, 2, List.of(new long[] {0, 2}, new long[] {1, 1},
                new long[] {1, 1}, new long[] {2, 0})));
        float[] x = {0.9f, 0.1f, 0.6f, 0.4f, 0f, 1f, 1f, 0f, 1f, 1f, 1f, 1f};
        ArrayDataset data = new ArrayDataset("tiny", new ImageShape(1, 2, 2), x, null, null);
        EvalSettings s = new EvalSettings(null, 2, EnumSet.of(MetricName.MSE, MetricName.KL, MetricName.ELBO), 3, 1);
        EvaluationResult r = evaluate(bundle, data, s, tmp.resolve("e"));
        assertFalse(r.reconstruction().containsKey("kl"));
        assertTrue(r.notComputed().get("kl").startsWith("not defined for a codes-test: its posterior is a deterministic"
                + " code"), r.notComputed().toString());
        assertTrue(r.notComputed().containsKey("elbo"));
        assertEquals(0.0, r.reconstruction().get("mse").min(), 1e-12);
        assertNotNull(r.codes());
        assertEquals(12, r.codes().positions());
        assertEquals(2, r.codes().codesUsed());
        assertEquals("empirical", r.codes().prior());
        String described = "codes drawn per grid position from the bundle's empirical code prior";
        assertEquals(described, r.settings().prior());
        assertEquals(described + " seeded; each decoded sample x_g is compared with its reconstruction decoder(z_q(x_g))",
                r.estimation().get("generation"));
        assertFalse(r.estimation().containsKey("elbo"));
        assertTrue(Files.readString(tmp.resolve("e").resolve(EvalOutputs.REPORT)).contains("3 samples " + described));
    }

    private static EvaluationResult evaluate(Path bundle, ArrayDataset data, EvalSettings s, Path out) throws Exception {
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs o = EvalOutputs.create(out, false, s.metrics())) {
            return new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data,
                    new EvaluationResult.DatasetRef("tiny", null, data.description(), "f", data.size()), bundle, o);
        }
    }
}
