package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.image.DecodedImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.run.MetricsLog;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vqvae through the CLI on tiny shapes: train with its flags, export (three graphs, the empirical code
 * prior fitted on the run's training images), inspect, reconstruct, sample with both priors, evaluate;
 * and its flags refused for another family, interpolate refused for a grid latent.
 */
class VqVaeCliTest {
    static final String DATA = "shapes:n=96,size=16";

    @TempDir
    static Path tmp;

    static Path run;
    static Path bundle;

    @BeforeAll
    static void trainAndExport() {
        run = tmp.resolve("run-vqvae");
        bundle = tmp.resolve("vqvae");
        CliRun t = CliRun.of("train", "--model", "vqvae", "--out", run.toString(), "--data", DATA, "--epochs", "2",
                "--batch-size", "16", "--widths", "8,8", "--codebook-size", "16", "--code-dim", "4", "--ema",
                "--ema-decay", "0.9", "--dead-code-steps", "3", "--commitment", "0.5");
        assertEquals(0, t.exitCode(), t.toString());
        CliRun e = CliRun.of("export", run.toString(), "--out", bundle.toString());
        assertEquals(0, e.exitCode(), e.toString());
        assertTrue(e.out().contains("prior    codes-empirical (code_prior.json)"), e.toString());
    }

    @Test
    void runLogsCodeUsageAndTheConfig() throws IOException {
        Map<?, ?> config = Json.read(run.resolve("config.json"), Map.class);
        String model = Json.writeLine(((Map<?, ?>) config.get("config")).get("model"));
        assertTrue(model.contains("\"family\":\"vqvae\""), model);
        assertTrue(model.contains("\"codebookSize\":16") && model.contains("\"codeDim\":4") && model.contains("\"ema\":true")
                && model.contains("\"emaDecay\":0.9") && model.contains("\"deadCodeSteps\":3")
                && model.contains("\"commitment\":0.5"), model);
        List<EpochMetrics> m = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertEquals(2, m.size());
        assertTrue(m.get(1).perplexity() >= 1 && m.get(1).codesUsed() >= 1, m.toString());
    }

    @Test
    void bundleHasExactlyTheThreeGraphsAndTheCodePrior() throws IOException {
        Manifest m = Json.read(bundle.resolve("manifest.json"), Manifest.class);
        assertEquals("vqvae", m.family());
        assertEquals(java.util.Set.of("encoder", "quantizer", "decoder"), m.graphs().keySet());
        assertEquals(Manifest.Latent.codes(4, 4, 4, 16), m.latent());
        assertEquals("codes-empirical", m.prior().type());
        assertTrue(Files.isRegularFile(bundle.resolve("code_prior.json")));
        assertTrue(m.parity().maxAbsError().values().stream().allMatch(v -> v <= 1e-4), m.parity().toString());
        CliRun r = CliRun.of("inspect", bundle.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("latent      grid 4x4 of 16 codes, dim 4; prior codes-empirical (code_prior.json)"),
                r.toString());
        assertTrue(r.out().contains("quantizer     quantizer.onnx"), r.toString());
        assertTrue(r.out().contains("outputs   [indices:int64[N,4,4], z_q:float32[N,4,4,4], codebook:float32[16,4]]"),
                r.toString());
    }

    @Test
    void aModifiedCodePriorIsRefused() throws IOException {
        Path copy = tmp.resolve("tampered");
        Files.createDirectories(copy);
        try (var files = Files.list(bundle)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        Files.writeString(copy.resolve("code_prior.json"), Files.readString(copy.resolve("code_prior.json")) + " ");
        CliRun r = CliRun.of("sample", copy.toString(), "--out", tmp.resolve("t.png").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("code_prior.json: sha256 is "), r.toString());
    }

    @Test
    void runtimeReconstructsAndSamplesInRange() {
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            assertTrue(rt.hasCodes());
            float[] x = new float[3 * 256];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) / 7f;
            }
            float[] r = rt.reconstruct(x, 3);
            assertEquals(3 * 256, r.length);
            for (VaeRuntime.CodeSampling p : VaeRuntime.CodeSampling.values()) {
                long[] codes = rt.sampleCodes(5, 1, p);
                assertEquals(5 * 16, codes.length);
                for (long c : codes) {
                    assertTrue(c >= 0 && c < 16);
                }
                float[] s = rt.sample(5, 1, p);
                assertEquals(5 * 256, s.length);
                for (float v : s) {
                    assertTrue(v >= 0 && v <= 1, "sample value " + v);
                }
            }
            for (float v : r) {
                assertTrue(v >= 0 && v <= 1, "reconstruction value " + v);
            }
            // the codebook output is the quantizer's: decoding the quantizer's own codes gives its z_q's image
            VaeRuntime.Codes q = rt.quantize(rt.encodeGrid(x, 3), 3);
            float[] viaCodes = rt.decodeCodes(q.indices(), 3);
            for (int i = 0; i < r.length; i++) {
                assertEquals(r[i], viaCodes[i], 1e-6f);
            }
        }
    }

    @Test
    void cliReconstructsSamplesAndEvaluates() throws IOException {
        Path recon = tmp.resolve("recon");
        CliRun r = CliRun.of("reconstruct", bundle.toString(), "--input", "shapes:n=5,size=16,seed=3", "--out",
                recon.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(16, ImageDecoder.read(recon.resolve("recon-00004.png")).image().width());
        for (String prior : List.of("uniform", "empirical")) {
            Path grid = tmp.resolve("samples-" + prior + ".png");
            CliRun s = CliRun.of("sample", bundle.toString(), "-n", "6", "--prior", prior, "--out", grid.toString());
            assertEquals(0, s.exitCode(), s.toString());
            assertTrue(s.out().contains("codes " + prior), s.toString());
            DecodedImage g = ImageDecoder.read(grid);
            assertEquals(3 * 16 + 4 * 2, g.image().width());
        }
        CliRun bad = CliRun.of("sample", bundle.toString(), "--prior", "gaussian", "--out", tmp.resolve("x.png").toString());
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--prior: unknown prior 'gaussian', expected uniform or empirical"), bad.toString());

        Path out = tmp.resolve("eval");
        CliRun e = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=12,size=16,seed=8", "--samples", "6",
                "--metrics", "mse,psnr,bce,kl,elbo", "--out", out.toString());
        assertEquals(0, e.exitCode(), e.toString());
        assertTrue(e.out().contains("codes: perplexity"), e.toString());
        EvaluationResult res = Json.read(out.resolve("metrics.json"), EvaluationResult.class);
        assertTrue(res.reconstruction().containsKey("mse") && res.reconstruction().containsKey("bce"), res.toString());
        assertFalse(res.reconstruction().containsKey("kl") || res.reconstruction().containsKey("elbo"));
        assertTrue(res.notComputed().get("kl").startsWith("not defined for a vqvae"), res.notComputed().toString());
        assertTrue(res.notComputed().containsKey("elbo"));
        assertEquals(16, res.codes().codebookSize());
        assertEquals(12L * 16, res.codes().positions());
        assertTrue(res.codes().perplexity() >= 1 && res.codes().codesUsed() >= 1);
        assertTrue(res.generation().containsKey("mse"));
    }

    @Test
    void flagsOfVqvaeAreRefusedForOtherFamiliesAndInterpolationForVqvae() {
        CliRun r = CliRun.of("train", "--model", "vae", "--codebook-size", "32", "--data", DATA, "--out",
                tmp.resolve("never").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--codebook-size does not apply to --model vae; it is a flag of --model vqvae"),
                r.toString());
        assertFalse(Files.exists(tmp.resolve("never")));
        CliRun bad = CliRun.of("train", "--model", "vqvae", "--codebook-size", "1", "--data", DATA, "--out",
                tmp.resolve("never").toString());
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("codebook-size must be in 2..65536, got 1"), bad.toString());
        CliRun decay = CliRun.of("train", "--model", "vqvae", "--ema-decay", "0.9", "--data", DATA, "--out",
                tmp.resolve("never").toString());
        assertEquals(2, decay.exitCode(), decay.toString());
        assertTrue(decay.err().contains("--ema-decay applies with --ema"), decay.toString());
        Path a = tmp.resolve("a.png");
        try {
            dev.vaeforge.fixtures.SampleImages.writeTo(a, dev.vaeforge.fixtures.SampleFormat.PNG_GRAY, 16, 16, 4);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun interp = CliRun.of("interpolate", bundle.toString(), "--from", a.toString(), "--to", a.toString(), "--out",
                tmp.resolve("strip.png").toString());
        assertEquals(2, interp.exitCode(), interp.toString());
        assertTrue(interp.err().contains("no posterior q(z|x)"), interp.toString());
    }

    @Test
    void theImportanceSampledLikelihoodIsRefusedForACodeGrid() {
        CliRun r = CliRun.of("evaluate", bundle.toString(), "--data", DATA, "--nll-samples", "10", "--out",
                tmp.resolve("nll").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--nll-samples applies to bundles with a Gaussian latent"), r.toString());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("nll")), "nothing written");
    }

    @Test
    void disentanglementNeedsAGaussianLatentAndEncodeWritesCodes() throws IOException {
        CliRun r = CliRun.of("disentanglement", bundle.toString(), "--data", DATA, "--out", tmp.resolve("dis").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(bundle.toString()) && r.err().contains("need a Gaussian latent"), r.toString());
        CliRun e = CliRun.of("encode", bundle.toString(), "--input", DATA, "--limit", "5", "--out",
                tmp.resolve("codes.npy").toString());
        assertEquals(0, e.exitCode(), e.toString());
        assertTrue(e.out().contains("code indices, int64"), e.toString());
        CliRun d = CliRun.of("decode", bundle.toString(), "--latents", tmp.resolve("codes.npy").toString(), "--out",
                tmp.resolve("codes-decoded.npy").toString());
        assertEquals(0, d.exitCode(), d.toString());
    }
}
