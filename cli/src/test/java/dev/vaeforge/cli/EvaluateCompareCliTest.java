package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.eval.EvaluationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCompareCliTest {
    @TempDir
    static Path tmp;
    static Path bundle;

    @BeforeAll
    static void bundle() {
        bundle = TestBundles.vae(tmp.resolve("vae-a"));
    }

    @Test
    void evaluateWritesEveryFileAndACompleteMetricsJson() throws IOException {
        Path out = tmp.resolve("eval");
        CliRun r = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=20,size=16,seed=4", "--samples", "8",
                "--batch-size", "6", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("reconstruction: bce"), r.toString());
        assertTrue(r.out().contains("lpips not computed"), r.toString());
        assertTrue(r.err().contains("generation"), "progress on stderr: " + r);
        for (String f : List.of("metrics.json", "metrics.csv", "metrics.md", "best.png", "worst.png", "samples.png", "report.html")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        EvaluationResult m = Json.read(out.resolve("metrics.json"), EvaluationResult.class);
        assertTrue(m.complete());
        assertEquals(20, m.dataset().images());
        assertEquals(8, m.generation().get("ssim").count());
        assertFalse(Files.readAllLines(out.resolve("metrics.csv")).get(0).contains("lpips"), "no empty LPIPS column");
    }

    @Test
    void severalBundlesGiveOneComparisonTable() throws IOException {
        Path other = TestBundles.vae(tmp.resolve("vae-b"));
        Path out = tmp.resolve("many");
        CliRun r = CliRun.of("evaluate", bundle.toString(), other.toString(), "--data", "shapes:n=12,size=16",
                "--samples", "4", "--metrics", "mse,ssim,kl", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> table = Files.readAllLines(out.resolve("comparison.md"));
        assertTrue(table.stream().anyMatch(l -> l.startsWith("| vae-a | vae |")), table.toString());
        assertTrue(table.stream().anyMatch(l -> l.startsWith("| vae-b | vae |")), table.toString());
        assertTrue(Files.isRegularFile(out.resolve("vae-a").resolve("report.html")));
        // the side-by-side page: both models' prior samples, each captioned with its prior
        String html = Files.readString(out.resolve("comparison.html"));
        assertEquals(2, html.split("<img ", -1).length - 1, "one sample grid per model");
        assertTrue(html.contains("vae-a: z ~ N(0, I)") && html.contains("vae-b: z ~ N(0, I)"), html);
        assertTrue(html.contains("ELBO surgery"), "the stacked bars of both models");
    }

    @Test
    void lpipsFromAUserGraphIsComputedOrRefusedBeforeWork() throws IOException {
        Path graph = tmp.resolve("lpips.onnx");
        Files.write(graph, dev.vaeforge.runtime.metrics.lpips.LpipsAlexNetGraph.build(
                dev.vaeforge.runtime.metrics.lpips.LpipsWeights.random(7)).toByteArray());
        Path rgb = TestBundles.vae(tmp.resolve("rgb32"), 3, 32);
        Path out = tmp.resolve("lp");
        CliRun r = CliRun.of("evaluate", rgb.toString(), "--data", "shapes:n=6,size=32,rgb", "--samples", "4",
                "--lpips-model", graph.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        EvaluationResult m = Json.read(out.resolve("metrics.json"), EvaluationResult.class);
        assertTrue(m.reconstruction().get("lpips").mean() > 0, "a distance between different images");
        assertEquals(4, m.generation().get("lpips").count());
        assertTrue(m.settings().lpipsModel().startsWith("lpips.onnx (LPIPS-alex, sha256 "), m.settings().lpipsModel());
        assertEquals("alex", m.settings().lpips().backbone());
        assertEquals("--lpips-model", m.settings().lpips().source());
        assertTrue(Files.readAllLines(out.resolve("metrics.csv")).get(0).endsWith(",lpips"));

        // too small for AlexNet: LPIPS alone is not computed, the other metrics are
        Path small = tmp.resolve("lp16");
        CliRun tooSmall = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=6,size=16", "--samples", "2",
                "--lpips-model", graph.toString(), "--out", small.toString());
        assertEquals(0, tooSmall.exitCode(), tooSmall.toString());
        assertTrue(tooSmall.out().contains("lpips not computed: images are 16x16, smaller than the 31x31 LPIPS-alex needs"),
                tooSmall.toString());
        EvaluationResult sm = Json.read(small.resolve("metrics.json"), EvaluationResult.class);
        assertEquals(6, sm.reconstruction().get("ssim").count());
        assertFalse(sm.reconstruction().containsKey("lpips"));
        assertFalse(Files.readAllLines(small.resolve("metrics.csv")).get(0).contains("lpips"));
        assertFails(2, "not-a-graph.onnx", "evaluate", rgb.toString(), "--data", "shapes:n=6,size=32,rgb",
                "--lpips-model", tmp.resolve("not-a-graph.onnx").toString(), "--out", tmp.resolve("lp-bad").toString());
    }

    @Test
    void evaluateBadInputs() {
        Path out = tmp.resolve("bad");
        assertFails(2, "--limit must be >= 1, got 0", "evaluate", bundle.toString(), "--data", "shapes", "--limit", "0",
                "--out", out.toString());
        assertFails(2, "--metrics: unknown metric 'fid'", "evaluate", bundle.toString(), "--data", "shapes",
                "--metrics", "ssim,fid", "--out", out.toString());
        assertFails(2, "asks for rgb but the requested image shape is 1x16x16", "evaluate", bundle.toString(), "--data",
                "shapes:rgb", "--out", out.toString());
        assertFalse(Files.exists(out), "no partial output");
    }

    @Test
    void compareMatchesFoldersByName() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("ca"));
        Path b = Files.createDirectories(tmp.resolve("cb"));
        SampleImages.writeTo(a.resolve("one.png"), SampleFormat.PNG_RGB, 24, 24, 1);
        SampleImages.writeTo(a.resolve("two.png"), SampleFormat.PNG_RGB, 24, 24, 2);
        SampleImages.writeTo(b.resolve("one.png"), SampleFormat.PNG_RGB, 24, 24, 1);
        SampleImages.writeTo(b.resolve("two.jpg"), SampleFormat.JPEG_RGB, 24, 24, 2);
        Path csv = tmp.resolve("pairs.csv");
        CliRun r = CliRun.of("compare", "--a", a.toString(), "--b", b.toString(), "--out", csv.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("name,mse,psnr,ssim,gmsd", rows.get(0));
        String[] one = rows.get(1).split(",");
        assertEquals("one", one[0]);
        assertEquals(0.0, Double.parseDouble(one[1]), "identical files");
        assertEquals(1.0, Double.parseDouble(one[3]), 1e-6, "SSIM of identical images");
        assertTrue(r.out().contains("1 identical pairs, infinite PSNR"), r.toString());

        SampleImages.writeTo(b.resolve("three.png"), SampleFormat.PNG_RGB, 24, 24, 3);
        assertFails(2, "do not match by file name: 0 in --a without a partner (e.g. none), 1 in --b without a partner (e.g. [three])",
                "compare", "--a", a.toString(), "--b", b.toString(), "--out", csv.toString());
    }

    private static void assertFails(int code, String fragment, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r);
        assertTrue(r.err().contains(fragment), "expected <" + fragment + ">: " + r);
    }
}
