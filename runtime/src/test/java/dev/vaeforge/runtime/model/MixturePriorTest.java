package dev.vaeforge.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.V2Fixtures;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.NpyWriter;
import dev.vaeforge.runtime.eval.EvalListener;
import dev.vaeforge.runtime.eval.EvalOutputs;
import dev.vaeforge.runtime.eval.EvalSettings;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learned Gaussian-mixture prior (the VampPrior's form): density, sampling, and evaluation through a bundle. */
class MixturePriorTest {
    @TempDir
    Path tmp;

    @Test
    void densityIsTheLogMeanOfTheComponentsDensities() {
        float[] means = {1, -1, -2, 0.5f};
        float[] logvars = {0, (float) Math.log(4), (float) Math.log(0.25), 0};
        MixturePrior p = new MixturePrior(2, 2, means, logvars, null);
        float[] z = {0.3f, -0.7f};
        double a = 0.3f;
        double b = -0.7f;
        double n1 = normal(a, 1, 1) * normal(b, -1, Math.exp((float) Math.log(4)));
        double n2 = normal(a, -2, Math.exp((float) Math.log(0.25))) * normal(b, 0.5, 1);
        assertEquals(Math.log(0.5 * (n1 + n2)), p.logDensity(z, 1)[0], 1e-9);
        // far from every component: no underflow to -infinity
        assertTrue(Double.isFinite(p.logDensity(new float[] {1e4f, -1e4f}, 1)[0]));
    }

    private static double normal(double x, double mean, double variance) {
        return Math.exp(-0.5 * (x - mean) * (x - mean) / variance) / Math.sqrt(2 * Math.PI * variance);
    }

    @Test
    void samplesComeFromTheComponentsInEqualShares() {
        MixturePrior p = new MixturePrior(2, 2, new float[] {4, 0, -4, 0}, new float[] {-8, -8, -8, -8}, null);
        float[] z = p.sample(4000, new Random(1)).latents();
        int right = 0;
        for (int i = 0; i < 4000; i++) {
            assertEquals(4, Math.abs(z[2 * i]), 0.1);
            assertEquals(0, z[2 * i + 1], 0.1);
            right += z[2 * i] > 0 ? 1 : 0;
        }
        assertEquals(2000, right, 120);
    }

    private Path mixtureBundle(String name, float[] meansThenLogvars, long... shape) throws Exception {
        Path file = tmp.resolve(name + "-prior.npy");
        NpyWriter.write(file, meansThenLogvars, shape);
        byte[] bytes = Files.readAllBytes(file);
        Path dir = tmp.resolve(name);
        V2Fixtures.writeMoments(dir, "logits", new Manifest.Prior(Manifest.Prior.GAUSSIAN_MIXTURE, "prior_mixture.npy",
                Hashing.sha256(bytes)), Map.of("prior_mixture.npy", bytes));
        return dir;
    }

    private static EvaluationResult evaluate(Path bundle, Path out) throws Exception {
        int n = 400;
        float[] pixels = new float[n * V2Fixtures.P];
        Random r = new Random(9);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat();
        }
        ArrayDataset data = new ArrayDataset("random", new ImageShape(1, 2, 2), pixels, null, null);
        EvalSettings s = new EvalSettings(null, 64, EnumSet.of(MetricName.MSE, MetricName.KL, MetricName.ELBO,
                MetricName.NLL), 0, 3, 50, 400);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs o = EvalOutputs.create(out, false, s.metrics())) {
            return new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data,
                    new EvaluationResult.DatasetRef("random", null, "random", "f", n), bundle, o);
        }
    }

    @Test
    void aOneComponentStandardMixtureEvaluatesAsTheStandardNormal() throws Exception {
        Path mixture = mixtureBundle("one", new float[] {0, 0, 0, 0}, 2, 1, 2);
        Path standard = tmp.resolve("standard");
        V2Fixtures.writeMoments(standard, "logits");
        EvaluationResult m = evaluate(mixture, tmp.resolve("em"));
        EvaluationResult s = evaluate(standard, tmp.resolve("es"));
        // the importance-sampled NLL uses log p(z) only: the same draws give the same value
        assertEquals(s.reconstruction().get("nll").mean(), m.reconstruction().get("nll").mean(), 1e-9);
        // the KL is Monte Carlo against the mixture, closed form against N(0, I): equal within its error
        double se = m.reconstruction().get("kl").std() / Math.sqrt(400);
        assertEquals(s.reconstruction().get("kl").mean(), m.reconstruction().get("kl").mean(), 4 * se);
        assertTrue(m.estimation().get("kl").startsWith("Monte Carlo"), m.estimation().get("kl"));
        assertTrue(s.estimation().get("kl").startsWith("closed form"), s.estimation().get("kl"));
        // ELBO surgery runs on the mixture's density too
        EvaluationResult.Surgery g = m.surgery();
        assertEquals(null, g.klClosedForm());
        assertEquals(g.klMonteCarlo().value(), g.mutualInformation().value() + g.marginalKl().value(), 1e-9);
        assertEquals(s.surgery().marginalKl().value(), g.marginalKl().value(), 1e-9);
    }

    @Test
    void aBundleSamplesFromItsMixture() throws Exception {
        Path b = mixtureBundle("two", new float[] {3, 3, -3, -3, -9, -9, -9, -9}, 2, 2, 2);
        try (VaeRuntime rt = VaeRuntime.open(b, Device.CPU)) {
            assertEquals(Manifest.Prior.GAUSSIAN_MIXTURE, rt.prior().type());
            float[] z = rt.priorSamples(200, 5);
            for (float v : z) {
                assertEquals(3, Math.abs(v), 0.1);
            }
        }
    }

    @Test
    void badMixtureFilesAreRefusedWhenTheBundleOpens() throws Exception {
        Path wrongSize = mixtureBundle("shape", new float[] {0, 0, 0, 0, 0, 0}, 2, 1, 3);
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(wrongSize, Device.CPU).close());
        assertTrue(e.getMessage().contains("a mixture prior must be float32 (<f4) of shape [2, K, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("got <f4 [2, 1, 3]"), e.getMessage());
        Path nan = mixtureBundle("nan", new float[] {0, Float.NaN, 0, 0}, 2, 1, 2);
        e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(nan, Device.CPU).close());
        assertTrue(e.getMessage().contains("value NaN at flat index 1 is not finite"), e.getMessage());
        Path tampered = mixtureBundle("tampered", new float[] {0, 0, 0, 0}, 2, 1, 2);
        NpyWriter.write(tampered.resolve("prior_mixture.npy"), new float[] {1, 0, 0, 0}, 2, 1, 2);
        e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(tampered, Device.CPU).close());
        assertTrue(e.getMessage().contains("prior_mixture.npy"), e.getMessage());
    }
}
