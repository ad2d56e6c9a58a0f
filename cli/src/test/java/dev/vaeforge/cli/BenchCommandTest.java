package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of `vaeforge bench` with tiny settings; no timing is asserted. */
class BenchCommandTest {
    @Test
    void tinyBenchPrintsTheTableAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        CliRun r = CliRun.of("bench", "--image-size", "16", "--channels", "3", "--widths", "8,8", "--latent-dim", "4",
                "--batch-size", "4", "--steps", "3", "--warmup", "1", "--recon-batches", "1,4", "--latency-iters", "5",
                "--seconds", "0.05", "--matmul-size", "64", "--no-peer", "--priors", "standard,flow",
                "--prior-flow-steps", "2", "--prior-hidden", "4", "--prior-rounds", "1", "--out", json.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("training by prior"), r::toString);
        JsonNode byPrior = Json.mapper().readTree(Files.readString(json)).path("train_by_prior");
        assertEquals(2, byPrior.size());
        assertEquals("RealNVP flow prior (2 coupling steps, hidden 4)", byPrior.get(1).path("prior").asText());
        assertEquals(1.0, byPrior.get(0).path("step_cost_vs_first").asDouble(), 0);
        assertTrue(byPrior.get(1).path("train_images_per_s").asDouble() > 0);
        assertTrue(r.out().contains("train (DJL, warm)"), r::toString);
        assertTrue(r.out().contains("reconstruct (ORT)"), r::toString);
        assertTrue(r.out().contains("SSIM+GMSD"), r::toString);
        assertTrue(r.out().contains("peer: skipped (--no-peer)"), r::toString);
        JsonNode n = Json.mapper().readTree(Files.readString(json));
        assertEquals(16, n.path("config").path("image").get(1).asInt());
        assertTrue(n.path("results").path("train_images_per_s").asDouble() > 0);
        assertTrue(n.path("results").path("reconstruct_images_per_s").has("4"));
        assertTrue(n.path("matmul_peak").path("measured_peak_gflops").asDouble() > 0);
        assertEquals(3 * n.path("flops").path("forward_flops_per_image").asLong(),
                n.path("flops").path("train_flops_per_image").asLong());
        assertTrue(n.path("memory").has("train"));
        assertTrue(r.out().contains("int8 vs fp32"), r::toString);
        assertEquals(4, n.path("int8").path("rows").size(), "reconstruct and sample at batches 1 and 4");
        // sizes only: for a model this small the golden tensors, not the weights, dominate a bundle
        assertTrue(n.path("int8").path("int8_bundle_bytes").asLong() > 0 && n.path("int8").path("fp32_bundle_bytes").asLong() > 0);
        assertTrue(n.path("int8").path("int8_optimised_ops").path("encoder").has("com.microsoft.QLinearConv"), r::toString);
    }

    @Test
    void aBadPriorIsRefusedBeforeAnyWork() {
        CliRun r = CliRun.of("bench", "--no-peer", "--priors", "standard,flow", "--prior-flow-steps", "0");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--prior-flow-steps must be in 1..64, got 0"), r::toString);
    }

    @Test
    void lpipsRowsMeasureEvaluateWithAndWithoutEachGraph(@TempDir Path dir) throws Exception {
        Path graph = dir.resolve("alex.onnx");
        Files.write(graph, dev.vaeforge.runtime.metrics.lpips.LpipsAlexNetGraph.build(
                dev.vaeforge.runtime.metrics.lpips.LpipsWeights.random(3)).toByteArray());
        Path json = dir.resolve("bench.json");
        CliRun r = CliRun.of("bench", "--image-size", "32", "--channels", "3", "--widths", "8,8", "--latent-dim", "4",
                "--batch-size", "4", "--steps", "1", "--warmup", "0", "--recon-batches", "1", "--latency-iters", "2",
                "--seconds", "0.01", "--matmul-size", "32", "--no-peer", "--lpips-model", graph.toString(),
                "--out", json.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("evaluate, no LPIPS"), r::toString);
        assertTrue(r.out().contains("evaluate + LPIPS-alex"), r::toString);
        JsonNode lp = Json.mapper().readTree(Files.readString(json)).path("results").path("lpips");
        assertTrue(lp.path("evaluate_without_lpips_images_per_s").asDouble() > 0);
        assertEquals("alex", lp.path("graphs").get(0).path("backbone").asText());
        assertTrue(lp.path("graphs").get(0).path("lpipsAloneImagesPerSecond").asDouble() > 0);

        CliRun small = CliRun.of("bench", "--image-size", "16", "--widths", "8,8", "--steps", "1", "--no-peer",
                "--recon-batches", "1", "--seconds", "0.01", "--matmul-size", "32", "--lpips-model", graph.toString());
        assertEquals(2, small.exitCode(), small::toString);
        assertTrue(small.err().contains("set --image-size to at least 31"), small::toString);
    }

    @Test
    void cudaWithoutAGpuFailsCleanly() {
        CliRun r = CliRun.of("bench", "--device", "cuda", "--no-peer", "--image-size", "16", "--widths", "8,8");
        assertEquals(5, r.exitCode(), r::toString);
        assertTrue(r.err().contains("cuda"), r::toString);
    }

    @Test
    void badCountsNameTheirFlags() {
        CliRun steps = CliRun.of("bench", "--steps", "0", "--no-peer");
        assertEquals(2, steps.exitCode(), steps::toString);
        assertEquals("vaeforge: --steps, --batch-size and --latency-iters must be >= 1, --warmup >= 0", steps.err().trim());
        CliRun batches = CliRun.of("bench", "--recon-batches", "1,0", "--no-peer");
        assertEquals(2, batches.exitCode(), batches::toString);
        assertEquals("vaeforge: --recon-batches must be >= 1, got [1, 0]", batches.err().trim());
        CliRun threads = CliRun.of("bench", "--threads", "-1", "--no-peer");
        assertEquals(2, threads.exitCode(), threads::toString);
        assertEquals("vaeforge: --threads must be >= 0, got -1", threads.err().trim());
    }
}
