package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ELBO surgery through a real bundle, end to end into metrics.json, metrics.md and the report. */
class EvaluatorSurgeryTest {
    private static EvaluationResult evaluate(Path dir, int images, int surgery) throws Exception {
        Path bundle = EvaluatorTest.fixtureBundle();
        ArrayDataset data = EvaluatorTest.shapes(images, 31);
        EvalSettings s = new EvalSettings(null, 32, EnumSet.of(MetricName.MSE, MetricName.KL), 0, 5, 0, surgery);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs out = EvalOutputs.create(dir, false, s.metrics())) {
            return new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data,
                    new EvaluationResult.DatasetRef("shapes:n=" + images, null, "shapes", "f", images), bundle, out);
        }
    }

    @Test
    void theMeanKlOfTheEvaluatedImagesSplitsIntoMiAndMarginalKl(@TempDir Path tmp) throws Exception {
        EvaluationResult r = evaluate(tmp.resolve("e"), 300, 2000);
        EvaluationResult.Surgery s = r.surgery();
        assertNotNull(s);
        assertEquals(300, s.images(), "every image is in a subsample larger than the evaluation");
        assertEquals(300, s.ofImages());
        assertEquals(r.reconstruction().get("kl").mean(), s.klClosedForm(), 1e-9,
                "the subsample is the whole evaluation, so its closed-form KL is the evaluation's");
        double sum = s.mutualInformation().value() + s.marginalKl().value();
        assertEquals(s.klClosedForm(), sum, 4 * s.klMonteCarlo().standardError());
        assertTrue(s.mutualInformation().value() > 0 && s.mutualInformation().value() <= Math.log(300) + 1e-9);
        JsonNode json = Json.mapper().readTree(tmp.resolve("e").resolve(EvalOutputs.JSON).toFile());
        assertEquals(s.mutualInformation().value(), json.at("/surgery/mutualInformation/value").asDouble(), 1e-12);
        assertTrue(json.at("/surgery/estimator").asText().contains("mixture of those 300 Gaussian posteriors"));
        assertTrue(Files.readString(tmp.resolve("e").resolve(EvalOutputs.MARKDOWN)).contains("| marginal KL(q(z) ‖ p(z)) |"));
        assertTrue(Files.readString(tmp.resolve("e").resolve(EvalOutputs.REPORT)).contains("<h2>ELBO surgery</h2>"));
    }

    @Test
    void aSubsampleSmallerThanTheEvaluationAndOff(@TempDir Path tmp) throws Exception {
        EvaluationResult r = evaluate(tmp.resolve("a"), 120, 50);
        assertEquals(50, r.surgery().images());
        assertEquals(120, r.surgery().ofImages());
        assertNull(evaluate(tmp.resolve("b"), 40, 0).surgery());
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> new EvalSettings(null, 8, EnumSet.of(MetricName.KL), 0, 1, 0, 1));
        assertTrue(e.getMessage().startsWith("surgery-images must be 0 (off) or in 2..50000, got 1"), e.getMessage());
        assertEquals(java.util.List.of("surgery-images"), e.parameters());
    }
}
