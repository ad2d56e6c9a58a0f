package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.metrics.lpips.LpipsAlexNetGraph;
import dev.vaeforge.runtime.metrics.lpips.LpipsModel;
import dev.vaeforge.runtime.metrics.lpips.LpipsStore;
import dev.vaeforge.runtime.metrics.lpips.LpipsWeights;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaeforge lpips install/list}, LPIPS on by default once installed, the precedence of
 * --no-lpips, --lpips-model and $VAEFORGE_LPIPS, and, with the real graphs of ../shared/lpips,
 * compare and evaluate end to end on the published example images. The store and the environment
 * are replaced by system properties pointing into a temp dir, so the user's own store is never seen.
 */
class LpipsCliTest {
    @TempDir
    static Path tmp;
    static Path bundle;
    static Path graph;
    @TempDir
    Path work;
    private final Map<String, String> saved = new java.util.HashMap<>();

    @BeforeAll
    static void prepare() throws Exception {
        bundle = TestBundles.vae(tmp.resolve("rgb32"), 3, 32);
        graph = tmp.resolve("random-alex.onnx");
        Files.write(graph, LpipsAlexNetGraph.build(LpipsWeights.random(11)).toByteArray());
    }

    @BeforeEach
    void isolate() {
        for (String k : List.of(LpipsStore.DIR_PROPERTY, LpipsAdapter.PROPERTY)) {
            saved.put(k, System.getProperty(k));
        }
        System.setProperty(LpipsStore.DIR_PROPERTY, work.resolve("store").toString());
        System.setProperty(LpipsAdapter.PROPERTY, "");
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void installedGraphIsUsedWithoutFlagsAndFlagsTakePrecedence() throws Exception {
        CliRun empty = CliRun.of("lpips", "list");
        assertEquals(0, empty.exitCode(), empty.toString());
        assertTrue(empty.out().contains("no graph installed"), empty.toString());

        CliRun installed = CliRun.of("lpips", "install", graph.toString());
        assertEquals(0, installed.exitCode(), installed.toString());
        assertTrue(installed.out().contains("installed LPIPS-alex (sha256 " + Hashing.sha256(graph) + ")"), installed.toString());
        assertTrue(installed.out().contains("smallest image 31x31"), installed.toString());
        CliRun list = CliRun.of("lpips", "list");
        assertTrue(list.out().contains("* alex     sha256 " + Hashing.sha256(graph).substring(0, 12)), list.toString());

        Path out = work.resolve("eval");
        CliRun r = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=32,rgb", "--samples", "4",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("LPIPS: LPIPS-alex (sha256 " + Hashing.sha256(graph).substring(0, 12) + ", installed)"),
                r.toString());
        EvaluationResult m = Json.read(out.resolve("metrics.json"), EvaluationResult.class);
        assertEquals(6, m.reconstruction().get("lpips").count());
        assertEquals(4, m.generation().get("lpips").count(), "generation metrics include LPIPS");
        assertEquals(new EvaluationResult.LpipsRef("alex", Hashing.sha256(graph),
                new LpipsStore(work.resolve("store")).defaultGraph().map(e -> work.resolve("store").resolve(e.file())
                        .toAbsolutePath().normalize().toString()).orElseThrow(), "installed"), m.settings().lpips());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("LPIPS-alex, sha256 <code>" + Hashing.sha256(graph) + "</code>"), "report names the graph");

        Path off = work.resolve("off");
        CliRun noLpips = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=32,rgb", "--samples", "0",
                "--no-lpips", "--out", off.toString());
        assertEquals(0, noLpips.exitCode(), noLpips.toString());
        EvaluationResult mo = Json.read(off.resolve("metrics.json"), EvaluationResult.class);
        assertFalse(mo.reconstruction().containsKey("lpips"));
        assertNull(mo.settings().lpips());

        CliRun both = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=32,rgb", "--no-lpips",
                "--lpips-model", graph.toString(), "--out", work.resolve("both").toString());
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("--lpips-model and --no-lpips contradict each other"), both.toString());

        // $VAEFORGE_LPIPS (here through its property) wins over the installed graph, --lpips-model over both
        Path other = work.resolve("other-alex.onnx");
        Files.write(other, LpipsAlexNetGraph.build(LpipsWeights.random(12)).toByteArray());
        System.setProperty(LpipsAdapter.PROPERTY, other.toString());
        Path viaEnv = work.resolve("env");
        assertEquals(0, CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=32,rgb", "--samples", "0",
                "--out", viaEnv.toString()).exitCode());
        EvaluationResult me = Json.read(viaEnv.resolve("metrics.json"), EvaluationResult.class);
        assertEquals("$VAEFORGE_LPIPS", me.settings().lpips().source());
        assertEquals(Hashing.sha256(other), me.settings().lpips().sha256());
        Path viaFlag = work.resolve("flag");
        assertEquals(0, CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=32,rgb", "--samples", "0",
                "--lpips-model", graph.toString(), "--out", viaFlag.toString()).exitCode());
        assertEquals(Hashing.sha256(graph), Json.read(viaFlag.resolve("metrics.json"), EvaluationResult.class)
                .settings().lpips().sha256());
        System.setProperty(LpipsAdapter.PROPERTY, "off");
        Path envOff = work.resolve("env-off");
        assertEquals(0, CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=32,rgb", "--samples", "0",
                "--out", envOff.toString()).exitCode());
        assertNull(Json.read(envOff.resolve("metrics.json"), EvaluationResult.class).settings().lpips());
    }

    @Test
    void demoReportsTheHeldOutLpipsWithTheChosenGraph() throws Exception {
        ImageShape gray64 = new ImageShape(1, 64, 64);
        float[] x = new float[2 * gray64.size()];
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 64) / 63f;
            r[i] = 1 - x[i];
        }
        DemoCommand demo = new DemoCommand();
        demo.lpips = new LpipsOptions();
        assertTrue(demo.heldOutLpips(x, r, 2, gray64).startsWith("not computed: no LPIPS graph"));
        assertEquals(0, CliRun.of("lpips", "install", graph.toString()).exitCode());
        String line = demo.heldOutLpips(x, r, 2, gray64);
        assertTrue(line.matches("\\d+\\.\\d{4} \\(mean of 2 images, LPIPS-alex \\(sha256 [0-9a-f]{12}, installed\\)\\)"), line);
        assertTrue(demo.heldOutLpips(new float[2 * 256], new float[2 * 256], 2, new ImageShape(1, 16, 16))
                .startsWith("not computed: images are 16x16, smaller than the 31x31 LPIPS-alex needs"));
        demo.lpips.noLpips = true;
        assertEquals("not computed: turned off (--no-lpips)", demo.heldOutLpips(x, r, 2, gray64));
    }

    @Test
    void aGraphThatFailsTheSanityCheckIsRefused() throws Exception {
        Path notAGraph = work.resolve("junk.onnx");
        Files.writeString(notAGraph, "junk");
        CliRun r = CliRun.of("lpips", "install", notAGraph.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
        assertTrue(r.err().contains("junk.onnx"), r.toString());
        assertTrue(CliRun.of("lpips", "list").out().contains("no graph installed"));
        // without an installed graph LPIPS is not computed, and says how to get one
        Path out = work.resolve("none");
        CliRun e = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=4,size=32,rgb", "--samples", "0",
                "--out", out.toString());
        assertTrue(e.out().contains("lpips not computed: no LPIPS graph given (install one with 'vaeforge lpips install"),
                e.toString());
    }

    @Test
    void compareMeasuresTheExampleTripletAndLeavesOutOnlyLpipsOfTooSmallPairs() throws Exception {
        Path shared = sharedLpips();
        Path a = Files.createDirectories(work.resolve("a"));
        Path b = Files.createDirectories(work.resolve("b"));
        Path images = shared.resolve("images");
        // the test data is copied into temp dirs only, never into the project
        Files.copy(images.resolve("ex_ref.png"), a.resolve("p0.png"));
        Files.copy(images.resolve("ex_p0.png"), b.resolve("p0.png"));
        Files.copy(images.resolve("ex_ref.png"), a.resolve("p1.png"));
        Files.copy(images.resolve("ex_p1.png"), b.resolve("p1.png"));
        Files.copy(images.resolve("ex_ref.png"), a.resolve("same.png"));
        Files.copy(images.resolve("ex_ref.png"), b.resolve("same.png"));
        SampleImages.writeTo(a.resolve("digit.png"), SampleFormat.PNG_GRAY, 28, 28, 1);
        SampleImages.writeTo(b.resolve("digit.png"), SampleFormat.PNG_GRAY, 28, 28, 2);
        JsonNode expected = Json.mapper().readTree(shared.resolve("expected_examples.json").toFile());

        for (String backbone : List.of("alex", "squeeze")) {
            Path json = work.resolve("pairs-" + backbone + ".json");
            CliRun r = CliRun.of("compare", "--a", a.toString(), "--b", b.toString(), "--lpips-model",
                    shared.resolve("lpips_" + backbone + "_v0.1.onnx").toString(), "--out", json.toString());
            assertEquals(0, r.exitCode(), r.toString());
            JsonNode pairs = Json.mapper().readTree(json.toFile()).get("pairs");
            Map<String, JsonNode> byName = new java.util.HashMap<>();
            pairs.forEach(p -> byName.put(p.get("name").asText(), p));
            assertEquals(expected.get(0).get(backbone).asDouble(), byName.get("p0").get("lpips").asDouble(), 2e-5);
            assertEquals(expected.get(1).get(backbone).asDouble(), byName.get("p1").get("lpips").asDouble(), 2e-5);
            assertEquals(0, byName.get("same").get("lpips").asDouble(), 1e-7);
            JsonNode digit = byName.get("digit");
            assertEquals("28x28", digit.get("size").asText());
            assertTrue(digit.get("mse").asDouble() > 0, "the other metrics of a too-small pair are computed");
            assertTrue(digit.has("ssim"));
            if (backbone.equals("alex")) {
                assertFalse(digit.has("lpips"), "28x28 is too small for AlexNet");
                assertTrue(r.out().contains("lpips not computed: 1 of 4 pairs: images are 28x28, smaller than the 31x31 "
                        + "LPIPS-alex needs (digit)"), r.toString());
                JsonNode summary = Json.mapper().readTree(json.toFile()).get("summary");
                assertEquals("digit", summary.get("notComputedPairs").get("lpips").get(0).asText());
                assertEquals(3, summary.get("metrics").get("lpips").get("count").asInt());
                assertEquals("alex", summary.get("lpips").get("backbone").asText());
            } else {
                assertTrue(digit.get("lpips").asDouble() > 0, "SqueezeNet measures 28x28 (from 17x17)");
            }
        }

        // a pair whose two images differ in size needs --resize; the other pairs' sizes do not matter
        SampleImages.writeTo(b.resolve("digit.png"), SampleFormat.PNG_GRAY, 30, 30, 2);
        Path csv = work.resolve("pairs.csv");
        CliRun refused = CliRun.of("compare", "--a", a.toString(), "--b", b.toString(), "--out", csv.toString());
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("pair 'digit'") && refused.err().contains("set --resize"), refused.toString());
        CliRun resized = CliRun.of("compare", "--a", a.toString(), "--b", b.toString(), "--resize", "--out", csv.toString());
        assertEquals(0, resized.exitCode(), resized.toString());
        assertEquals(5, Files.readAllLines(csv).size());
    }

    @Test
    void evaluateEndToEndGivesWhatTheGraphGivesOnTheExampleImages() throws Exception {
        Path shared = sharedLpips();
        Path data = Files.createDirectories(work.resolve("examples"));
        for (String f : List.of("ex_ref.png", "ex_p0.png", "ex_p1.png")) {
            Files.copy(shared.resolve("images").resolve(f), data.resolve(f));
        }
        Path rgb64 = TestBundles.vae(work.resolve("rgb64"), 3, 64);
        Path squeezeGraph = shared.resolve("lpips_squeeze_v0.1.onnx");
        assertEquals(0, CliRun.of("lpips", "install", squeezeGraph.toString()).exitCode());
        Path out = work.resolve("eval");
        CliRun r = CliRun.of("evaluate", rgb64.toString(), "--data", "folder:" + data, "--samples", "0", "--out",
                out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        int col = header.indexOf("lpips");
        assertTrue(col > 0, csv.get(0));
        try (VaeRuntime rt = VaeRuntime.open(rgb64, Device.CPU);
             LpipsModel model = LpipsModel.open(squeezeGraph, Device.CPU)) {
            for (int i = 1; i < csv.size(); i++) {
                String[] row = csv.get(i).split(",");
                FloatImage x = ImageDecoder.read(data.resolve(row[1])).image();
                float[] rec = rt.reconstruct(x.data(), 1);
                double want = model.distance(x.data(), rec, 1, new ImageShape(3, 64, 64))[0];
                assertEquals(want, Double.parseDouble(row[col]), 1e-6, row[1]);
            }
        }
        EvaluationResult m = Json.read(out.resolve("metrics.json"), EvaluationResult.class);
        assertEquals("squeeze", m.settings().lpips().backbone());
        assertEquals(Hashing.sha256(squeezeGraph), m.settings().lpips().sha256());
    }

    /** ../shared/lpips, or the test is skipped with a message naming it. */
    private static Path sharedLpips() {
        String s = System.getProperty("vaeforge.shared");
        Path dir = s == null ? Path.of("..", "shared", "lpips") : Path.of(s, "lpips");
        assumeTrue(Files.isRegularFile(dir.resolve("lpips_alex_v0.1.onnx")), "skipped: the pretrained LPIPS test data is "
                + "not in " + dir.toAbsolutePath().normalize() + " (../shared/lpips beside the repository)");
        return dir;
    }
}
