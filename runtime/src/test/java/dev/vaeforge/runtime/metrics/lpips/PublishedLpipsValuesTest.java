package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real LPIPS v0.1 (../shared/lpips) through {@link LpipsModel}: the LPIPS repository's example
 * triplet (published AlexNet 0.722 and 0.138), torchmetrics' documented SqueezeNet example (published
 * mean 0.1008), identical images, and vaeforge's own {@link LpipsAlexNetGraph} built from the raw
 * AlexNet weights, which must give what the exported graph gives.
 */
class PublishedLpipsValuesTest {
    /** float32 ORT against the PyTorch values of the README: they agree to a few 1e-7; this leaves room for other CPUs. */
    static final double TOLERANCE = 2e-5;

    @TempDir
    static Path tmp;
    private static LpipsModel alex;
    private static LpipsModel squeeze;
    private static LpipsModel built;

    @BeforeAll
    static void open() throws Exception {
        Path dir = SharedLpips.dir();
        alex = LpipsModel.open(dir.resolve(SharedLpips.ALEX), Device.CPU);
        squeeze = LpipsModel.open(dir.resolve(SharedLpips.SQUEEZE), Device.CPU);
        Path file = tmp.resolve("lpips-alex-from-raw.onnx");
        Files.write(file, LpipsAlexNetGraph.build(LpipsWeights.readRaw(dir.resolve("alex_raw"))).toByteArray());
        built = LpipsModel.open(file, Device.CPU);
    }

    @AfterAll
    static void close() {
        for (LpipsModel m : new LpipsModel[] {alex, squeeze, built}) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    void exampleTripletGivesThePublishedValues() throws Exception {
        JsonNode expected = SharedLpips.json("expected_examples.json");
        FloatImage ref = SharedLpips.image("ex_ref.png");
        for (JsonNode c : expected) {
            FloatImage other = SharedLpips.image(c.get("b").asText());
            ImageShape shape = ref.shape();
            assertEquals(new ImageShape(3, 64, 64), shape);
            double a = alex.distance(ref.data(), other.data(), 1, shape)[0];
            double s = squeeze.distance(ref.data(), other.data(), 1, shape)[0];
            double b = built.distance(ref.data(), other.data(), 1, shape)[0];
            System.out.printf(Locale.ROOT, "LPIPS ex_ref vs %s: alex %.6f (expected %.6f), squeeze %.6f (expected %.6f), "
                            + "built alex %.6f%n", c.get("b").asText(), a, c.get("alex").asDouble(), s,
                    c.get("squeeze").asDouble(), b);
            assertEquals(c.get("alex").asDouble(), a, TOLERANCE, "alex " + c.get("b").asText());
            assertEquals(c.get("squeeze").asDouble(), s, TOLERANCE, "squeeze " + c.get("b").asText());
            assertEquals(a, b, 1e-5, "LpipsAlexNetGraph from alex_raw against the exported AlexNet graph");
        }
        // the published three-decimal values of the LPIPS repository's example
        assertEquals(0.722, alex.distance(ref.data(), SharedLpips.image("ex_p0.png").data(), 1, ref.shape())[0], 5e-4);
        assertEquals(0.138, alex.distance(ref.data(), SharedLpips.image("ex_p1.png").data(), 1, ref.shape())[0], 5e-4);
    }

    @Test
    void identicalImagesAreAtZero() throws Exception {
        FloatImage ref = SharedLpips.image("ex_ref.png");
        for (LpipsModel m : new LpipsModel[] {alex, squeeze, built}) {
            assertEquals(0, m.distance(ref.data(), ref.data(), 1, ref.shape())[0], 1e-7, m.description());
        }
    }

    @Test
    void torchmetricsExampleGivesThePublishedMean() throws Exception {
        JsonNode expected = SharedLpips.json("expected_torchmetrics.json");
        float[] a = unit(SharedLpips.floats("torchmetrics_a_10x3x100x100.f32"));
        float[] b = unit(SharedLpips.floats("torchmetrics_b_10x3x100x100.f32"));
        ImageShape shape = new ImageShape(3, 100, 100);
        double[] d = squeeze.distance(a, b, 10, shape);
        double mean = 0;
        for (int i = 0; i < 10; i++) {
            assertEquals(expected.get("squeeze_per_pair").get(i).asDouble(), d[i], TOLERANCE, "pair " + i);
            mean += d[i] / 10;
        }
        System.out.printf(Locale.ROOT, "LPIPS torchmetrics example: squeeze mean %.6f (expected %.6f, published 0.1008)%n",
                mean, expected.get("squeeze_mean").asDouble());
        assertEquals(expected.get("squeeze_mean").asDouble(), mean, TOLERANCE);
        assertEquals(0.1008, mean, 5e-5);
        double[] fromAlex = alex.distance(a, b, 10, shape);
        double[] fromBuilt = built.distance(a, b, 10, shape);
        for (int i = 0; i < 10; i++) {
            assertEquals(fromAlex[i], fromBuilt[i], 1e-5, "built AlexNet graph at 100x100, pair " + i);
        }
    }

    @Test
    void backboneAndSmallestImageAreReadFromTheGraphs() {
        assertEquals(new LpipsGraphInfo("alex", 31, 31), alex.info());
        assertEquals(new LpipsGraphInfo("squeeze", 17, 17), squeeze.info());
        assertEquals(new LpipsGraphInfo("alex", 31, 31), built.info());
        assertTrue(alex.unsupportedReason(new ImageShape(1, 28, 28)).contains("smaller than the 31x31 LPIPS-alex needs"));
        assertEquals(null, alex.unsupportedReason(new ImageShape(1, 31, 64)));
        assertEquals(null, squeeze.unsupportedReason(new ImageShape(3, 28, 28)));
        assertTrue(squeeze.unsupportedReason(new ImageShape(3, 16, 16)) != null);
        // at the smallest size the graph still runs and measures
        FloatImage probe = new FloatImage(3, 17, 17, LpipsSanityCheck.scene(new ImageShape(3, 17, 17), 3).clone());
        float[] blurred = LpipsSanityCheck.blur(probe.data(), probe.shape(), 2);
        double d = squeeze.distance(probe.data(), blurred, 1, probe.shape())[0];
        assertTrue(d > 0 && Double.isFinite(d), "squeeze at 17x17: " + d);
    }

    @Test
    void theRealGraphsPassTheInstallSanityCheck() {
        for (LpipsModel m : new LpipsModel[] {alex, squeeze}) {
            LpipsSanityCheck.Result r = LpipsSanityCheck.measure(m);
            System.out.println("sanity " + m.description() + ": " + r.describe());
            assertTrue(r.passed(), m.description() + ": " + r.describe());
        }
    }

    /** [-1,1] inputs as the [0,1] images LpipsModel takes. */
    private static float[] unit(float[] signed) {
        float[] out = new float[signed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (signed[i] + 1) / 2;
        }
        return out;
    }
}
