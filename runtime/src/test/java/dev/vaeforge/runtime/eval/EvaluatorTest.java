package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.metrics.PixelMetrics;
import dev.vaeforge.runtime.metrics.Quality;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    static final ImageShape SHAPE = new ImageShape(1, 16, 16);

    static Path fixtureBundle() throws Exception {
        return Path.of(EvaluatorTest.class.getClassLoader().getResource("bundles/v1-vae-shapes16").toURI());
    }

    static ArrayDataset shapes(int n, long seed) {
        return new ArrayDataset("shapes", SHAPE, Shapes.generate(new ShapesSpec(n, 16, false, seed)).pixels(), null, null);
    }

    @Test
    void perImageValuesMatchDirectComputationAndMeansAreOverImages(@TempDir Path tmp) throws Exception {
        Path bundle = fixtureBundle();
        ArrayDataset data = shapes(10, 77);
        EvalSettings s = new EvalSettings(null, 3, EnumSet.allOf(MetricName.class), 7, 5);
        EvaluationResult r;
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs out = EvalOutputs.create(tmp.resolve("e"), false, s.metrics())) {
            r = new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data, ref(data), bundle, out);
            // independent computation of the same per-image values
            float[] x = data.batch(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 0, 10);
            float[] rec = rt.reconstruct(x, 10);
            double[] mse = PixelMetrics.mse(x, rec, 10, SHAPE);
            double[] bce = PixelMetrics.bce(x, rec, 10, SHAPE);
            double[] ssim = new double[10];
            try (ImageQualityMetrics q = new ImageQualityMetrics()) {
                Quality[] qs = q.quality(x, rec, 10, SHAPE);
                for (int i = 0; i < 10; i++) {
                    ssim[i] = qs[i].ssim();
                }
            }
            List<String> csv = Files.readAllLines(tmp.resolve("e").resolve(EvalOutputs.CSV));
            assertEquals("index,id,bce,mse,psnr,kl,elbo,ssim,gmsd,lpips", csv.get(0));
            assertEquals(11, csv.size());
            for (int i = 0; i < 10; i++) {
                String[] row = csv.get(i + 1).split(",", -1);
                assertEquals(bce[i], Double.parseDouble(row[2]), 1e-12);
                assertEquals(mse[i], Double.parseDouble(row[3]), 1e-12);
                assertEquals(ssim[i], Double.parseDouble(row[7]), 1e-9);
                assertEquals("", row[9], "LPIPS is not computed without a graph");
            }
            // mean over images, not over the uneven batches of 3, 3, 3, 1
            assertEquals(mean(mse), r.reconstruction().get("mse").mean(), 1e-12);
            assertEquals(mean(ssim), r.reconstruction().get("ssim").mean(), 1e-9);
        }
        assertNull(r.reconstruction().get("lpips"));
        assertTrue(r.notComputed().get("lpips").startsWith("no LPIPS graph given"));
        assertEquals(7, r.generation().get("mse").count());
        assertTrue(r.reconstruction().get("elbo").mean() < 0, "an ELBO in nats is a log-likelihood bound");
        assertTrue(-r.reconstruction().get("elbo").mean() > r.reconstruction().get("kl").mean());
        Path e = tmp.resolve("e");
        EvaluationResult reread = Json.read(e.resolve(EvalOutputs.JSON), EvaluationResult.class);
        assertTrue(reread.complete());
        assertEquals(10, reread.dataset().images());
        for (String f : List.of(EvalOutputs.MARKDOWN, EvalOutputs.BEST, EvalOutputs.WORST, EvalOutputs.SAMPLES, EvalOutputs.REPORT)) {
            assertTrue(Files.size(e.resolve(f)) > 0, f);
        }
        String html = Files.readString(e.resolve(EvalOutputs.REPORT));
        assertTrue(html.contains("<h2>Reconstruction</h2>") && html.contains("data:image/png;base64,"));
        assertFalse(html.contains("src=\"best.png\""), "self-contained: no external image references");
        assertTrue(Files.readString(e.resolve(EvalOutputs.MARKDOWN)).contains("| SSIM ↑ |"));
    }

    @Test
    void sameSettingsGiveTheSameNumbers(@TempDir Path tmp) throws Exception {
        EvalSettings s = new EvalSettings(6, 4, EnumSet.of(MetricName.ELBO, MetricName.MSE), 5, 9);
        EvaluationResult a = run(tmp.resolve("a"), shapes(8, 1), s);
        EvaluationResult b = run(tmp.resolve("b"), shapes(8, 1), s);
        assertEquals(6, a.dataset().images());
        assertEquals(a.reconstruction().get("elbo").mean(), b.reconstruction().get("elbo").mean());
        assertEquals(a.generation().get("mse").mean(), b.generation().get("mse").mean());
        assertFalse(a.reconstruction().containsKey("ssim"), "only the requested metrics");
    }

    @Test
    void badInputsAreRefusedAndLeaveNothing(@TempDir Path tmp) throws Exception {
        EvalSettings s = new EvalSettings(null, 4, EnumSet.of(MetricName.MSE), 0, 1);
        VaeforgeException shape = assertThrows(VaeforgeException.class, () -> run(tmp.resolve("x"),
                new ArrayDataset("rgb", new ImageShape(3, 16, 16), new float[3 * 256], null, null), s));
        assertTrue(shape.getMessage().contains("has 3x16x16 images but the bundle expects 1x16x16"), shape.getMessage());
        VaeforgeException empty = assertThrows(VaeforgeException.class, () -> run(tmp.resolve("x"),
                new ArrayDataset("none", SHAPE, new float[0], null, null), s));
        assertTrue(empty.getMessage().contains("the dataset is empty"));
        assertThrows(VaeforgeException.class, () -> new EvalSettings(0, 4, EnumSet.of(MetricName.MSE), 0, 1));
        VaeforgeException unknown = assertThrows(VaeforgeException.class, () -> MetricName.parseList("ssim,fid", "metrics"));
        assertTrue(unknown.getMessage().startsWith("metrics: unknown metric 'fid', expected a comma-separated list of bce,"));
        assertEquals(java.util.List.of("metrics"), unknown.parameters());

        // a reader that fails half-way: no output directory, no staging directory
        ImageDataset failing = new FailingDataset(shapes(20, 3), 9);
        assertThrows(IllegalStateException.class, () -> run(tmp.resolve("x"), failing, s));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "an interrupted evaluation leaves no files behind");
        }
    }

    @Test
    void conditionalBundleUsesEachImagesOwnLabel(@TempDir Path tmp) throws Exception {
        Path bundle = tmp.resolve("cvae");
        List<String> classes = List.of("square", "ellipse", "heart");
        dev.vaeforge.runtime.bundle.TinyBundles.writeConditional(bundle, "labels", classes);
        ImageShape tiny = new ImageShape(1, 4, 4);
        float[] px = new float[6 * 16];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i % 5) / 4f;
        }
        int[] labels = {2, 0, 1, 1, 0, 2};
        ArrayDataset data = new ArrayDataset("labelled", tiny, px, labels, classes);
        EvalSettings s = new EvalSettings(null, 4, EnumSet.of(MetricName.MSE, MetricName.ELBO), 5, 3);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs out = EvalOutputs.create(tmp.resolve("e"), false, s.metrics())) {
            EvaluationResult r = new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data, ref(data), bundle, out);
            float[] y = new float[6 * 3];
            for (int i = 0; i < 6; i++) {
                y[i * 3 + labels[i]] = 1f;
            }
            double[] mse = PixelMetrics.mse(px, rt.reconstruct(px, y, 6), 6, tiny);
            assertEquals(mean(mse), r.reconstruction().get("mse").mean(), 1e-9);
            assertTrue(r.estimation().get("condition").contains("labels (0=square, 1=ellipse, 2=heart)"));
            assertEquals(5, r.generation().get("mse").count());
        }
        ArrayDataset unlabelled = new ArrayDataset("plain", tiny, px, null, null);
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs out = EvalOutputs.create(tmp.resolve("u"), false, s.metrics())) {
            VaeforgeException e = assertThrows(VaeforgeException.class, () -> new Evaluator(rt, s, null, Device.CPU,
                    EvalListener.NONE).evaluate(unlabelled, ref(unlabelled), bundle, out));
            assertTrue(e.getMessage().contains("has no class labels"), e.getMessage());
        }
    }

    private static EvaluationResult run(Path out, ImageDataset data, EvalSettings s) throws Exception {
        Path bundle = fixtureBundle();
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU);
             EvalOutputs o = EvalOutputs.create(out, false, s.metrics())) {
            return new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE).evaluate(data, ref(data), bundle, o);
        }
    }

    private static EvaluationResult.DatasetRef ref(ImageDataset d) {
        return new EvaluationResult.DatasetRef("test", null, d.description(), d.fingerprint(), d.size());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Throws on one image, like a file that turns out corrupt in the middle of an evaluation. */
    private record FailingDataset(ImageDataset base, int bad) implements ImageDataset {
        @Override
        public ImageShape shape() {
            return base.shape();
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public void read(int index, float[] dst, int offset) {
            if (index == bad) {
                throw new IllegalStateException("image " + bad + " is unreadable");
            }
            base.read(index, dst, offset);
        }

        @Override
        public String description() {
            return "failing";
        }

        @Override
        public String fingerprint() {
            return "f";
        }
    }
}
