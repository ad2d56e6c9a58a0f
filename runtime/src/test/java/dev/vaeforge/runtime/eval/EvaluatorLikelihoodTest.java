package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.V2Fixtures;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate with nll-samples: per-image NLL, bits per dimension and standard error, and where it is refused. */
class EvaluatorLikelihoodTest {
    @Test
    void nllIsPerImageInNatsAndBitsWithItsStandardErrorAndItsEstimationSaysHow(@TempDir Path tmp) throws Exception {
        Path bundle = EvaluatorTest.fixtureBundle();
        ArrayDataset data = EvaluatorTest.shapes(6, 3);
        EvalSettings s = new EvalSettings(null, 4, EnumSet.allOf(MetricName.class), 0, 5, 64);
        EvaluationResult r;
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs out = EvalOutputs.create(tmp.resolve("e"), false, s.metrics())) {
            r = new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data, ref(data), bundle, out);
        }
        RunningStats.Summary nll = r.reconstruction().get("nll");
        RunningStats.Summary bpd = r.reconstruction().get("bpd");
        RunningStats.Summary se = r.reconstruction().get("nll_se");
        RunningStats.Summary elbo = r.reconstruction().get("elbo");
        assertEquals(6, nll.count());
        assertTrue(nll.mean() > 0, "nll " + nll.mean());
        assertEquals(nll.mean() / (EvaluatorTest.SHAPE.size() * Math.log(2)), bpd.mean(), 1e-9);
        assertTrue(se.mean() > 0 && se.mean() < 5, "standard error " + se.mean());
        // the bound: -ELBO (one draw) is above the importance-sampled NLL on average, up to Monte-Carlo noise
        assertTrue(nll.mean() <= -elbo.mean() + 3 * se.mean() + 1.0, "nll " + nll.mean() + ", -elbo " + -elbo.mean());
        assertTrue(r.estimation().get("nll").contains("64 draws per image"), r.estimation().get("nll"));
        List<String> header = List.of(Files.readAllLines(tmp.resolve("e").resolve(EvalOutputs.CSV)).get(0).split(","));
        assertTrue(header.containsAll(List.of("nll", "bpd", "nll_se")), header.toString());
        assertEquals(3, r.latent().dims());
        assertEquals(r.latent().variance().stream().filter(v -> v > 0.01).count(), r.latent().activeUnits());
        String md = Files.readString(tmp.resolve("e").resolve(EvalOutputs.MARKDOWN));
        assertTrue(md.contains("| NLL ↓ |") && md.contains("Active units: "), md);
        String html = Files.readString(tmp.resolve("e").resolve(EvalOutputs.REPORT));
        assertTrue(html.contains("active units") && html.contains("NLL"), "the report shows the NLL and the active units");
    }

    @Test
    void withoutNllSamplesTheLikelihoodColumnsAreAbsent() {
        EvalSettings s = new EvalSettings(null, 4, EnumSet.allOf(MetricName.class), 0, 5);
        assertFalse(s.metrics().contains(MetricName.NLL));
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> new EvalSettings(null, 4, EnumSet.allOf(MetricName.class), 0, 5, -1));
        assertEquals(List.of("nll-samples"), e.parameters());
    }

    @Test
    void aCodeGridBundleIsRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path bundle = tmp.resolve("codes");
        V2Fixtures.writeCodes(bundle, new CodePrior(2, 2, 2, 2, List.of(new long[] {0, 2}, new long[] {1, 1},
                new long[] {1, 1}, new long[] {2, 0})));
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            VaeforgeException e = assertThrows(VaeforgeException.class, () -> new Evaluator(rt,
                    new EvalSettings(null, 4, EnumSet.allOf(MetricName.class), 0, 5, 10), null, Device.CPU, EvalListener.NONE));
            assertTrue(e.getMessage().startsWith("nll-samples applies to bundles with a Gaussian latent"), e.getMessage());
            assertEquals(List.of("nll-samples"), e.parameters());
        }
    }

    private static EvaluationResult.DatasetRef ref(ArrayDataset d) {
        return new EvaluationResult.DatasetRef("test", null, d.description(), d.fingerprint(), d.size());
    }
}
