package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.image.DecodedImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.run.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new families through the whole CLI path on tiny data: train with the family's flags, export,
 * inspect, reconstruct, sample, evaluate; and the bad inputs of each (one line, exit code 2).
 */
class FamilyCliTest {
    static final String DATA = "shapes:n=96,size=16";
    static final String[] SMALL = {"--data", DATA, "--epochs", "2", "--batch-size", "16", "--latent-dim", "3", "--widths",
        "8,8"};

    @TempDir
    static Path tmp;

    @BeforeAll
    static void trainAndExportEachFamily() {
        train("beta-vae", "--beta", "2", "--kl-schedule", "warmup", "--beta-start", "0.5", "--kl-span", "1 epochs",
                "--free-bits", "0.05");
        train("capacity-vae", "--gamma", "100", "--capacity-max", "5");
        train("cvae");
        train("vaegan", "--disc-widths", "8,8", "--feature-layer", "1", "--gan-gamma", "0.1");
    }

    static void train(String family, String... flags) {
        Path run = tmp.resolve("run-" + family);
        String[] args = concat(new String[] {"train", "--model", family, "--out", run.toString()}, SMALL, flags);
        CliRun t = CliRun.of(args);
        assertEquals(0, t.exitCode(), t.toString());
        CliRun e = CliRun.of("export", run.toString(), "--out", tmp.resolve(family).toString());
        assertEquals(0, e.exitCode(), e.toString());
    }

    @Test
    void betaVaeRunLogsTheSchedule() throws IOException {
        Map<?, ?> config = Json.read(tmp.resolve("run-beta-vae/config.json"), Map.class);
        String model = Json.writeLine(((Map<?, ?>) config.get("config")).get("model"));
        assertTrue(model.contains("\"klSchedule\":{\"type\":\"warmup\",\"start\":0.5,\"span\":\"1 epochs\"}"), model);
        assertTrue(model.contains("\"freeBits\":0.05"), model);
        List<EpochMetrics> m = MetricsLog.read(tmp.resolve("run-beta-vae/metrics.jsonl"));
        assertEquals(2.0, m.get(1).beta(), 1e-9, "warm-up over one epoch: at the target in epoch 2");
        assertTrue(m.get(0).beta() < 2.0 && m.get(0).beta() > 0.5, m.get(0).toString());
        assertEquals(3, m.get(1).klPerDim().size());
        List<EpochMetrics> c = MetricsLog.read(tmp.resolve("run-capacity-vae/metrics.jsonl"));
        assertTrue(c.get(1).capacity() > c.get(0).capacity(), "C rises: " + c);
        Map<?, ?> capConfig = Json.read(tmp.resolve("run-capacity-vae/config.json"), Map.class);
        assertTrue(Json.writeLine(capConfig).contains("\"capacitySpan\":\"2 epochs\""), "default span: the whole run");
    }

    @Test
    void inspectShowsEachFamilysGraphSet() {
        for (String family : List.of("beta-vae", "capacity-vae", "cvae")) {
            CliRun r = CliRun.of("inspect", tmp.resolve(family).toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("family      " + family), r.toString());
            assertTrue(r.out().contains("encoder       encoder.onnx"), r.toString());
            assertTrue(r.out().contains("decoder       decoder.onnx"), r.toString());
            assertFalse(r.out().contains("quantizer") || r.out().contains("discriminator"), r.toString());
        }
        CliRun g = CliRun.of("inspect", tmp.resolve("vaegan").toString());
        assertEquals(0, g.exitCode(), g.toString());
        assertTrue(g.out().contains("family      vaegan"), g.toString());
        assertTrue(g.out().contains("discriminator discriminator.onnx"), g.toString());
        assertTrue(g.out().contains("outputs   [logit:float32[N,1], features:float32[N,8,8,8]]"), g.toString());
        CliRun c = CliRun.of("inspect", tmp.resolve("cvae").toString());
        assertTrue(c.out().contains("condition   labels (0=square, 1=ellipse, 2=heart): y[N,3] in both graphs"), c.toString());
        assertTrue(c.out().contains("inputs    [x:float32[N,1,16,16], y:float32[N,3]]"), c.toString());
        assertTrue(c.out().contains("inputs    [z:float32[N,3], y:float32[N,3]]"), c.toString());
    }

    @Test
    void everyBundleReconstructsAndSamples() throws IOException {
        for (String family : List.of("beta-vae", "capacity-vae", "cvae", "vaegan")) {
            Path b = tmp.resolve(family);
            Path recon = tmp.resolve("recon-" + family);
            CliRun r = CliRun.of("reconstruct", b.toString(), "--input", "shapes:n=5,size=16,seed=3", "--out",
                    recon.toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(16, ImageDecoder.read(recon.resolve("recon-00004.png")).image().width());
            Path grid = tmp.resolve("samples-" + family + ".png");
            CliRun s = CliRun.of("sample", b.toString(), "-n", "6", "--out", grid.toString());
            assertEquals(0, s.exitCode(), s.toString());
            DecodedImage g = ImageDecoder.read(grid);
            assertEquals(3 * 16 + 4 * 2, g.image().width());
        }
        Path hearts = tmp.resolve("hearts.png");
        CliRun s = CliRun.of("sample", tmp.resolve("cvae").toString(), "-n", "4", "--label", "heart", "--out",
                hearts.toString());
        assertEquals(0, s.exitCode(), s.toString());
        assertTrue(s.out().contains("condition: label 2 (heart)"), s.toString());
        byte[] byName = Files.readAllBytes(hearts);
        assertEquals(0, CliRun.of("sample", tmp.resolve("cvae").toString(), "-n", "4", "--label", "2", "--out",
                hearts.toString()).exitCode());
        assertTrue(java.util.Arrays.equals(byName, Files.readAllBytes(hearts)), "--label 2 is --label heart");
        CliRun cyc = CliRun.of("sample", tmp.resolve("cvae").toString(), "-n", "3", "--out", hearts.toString());
        assertTrue(cyc.out().contains("cycling through labels (0=square, 1=ellipse, 2=heart)"), cyc.toString());

        Path a = tmp.resolve("a.png");
        SampleImages.writeTo(a, SampleFormat.PNG_GRAY, 16, 16, 4);
        CliRun i = CliRun.of("interpolate", tmp.resolve("cvae").toString(), "--from", a.toString(), "--to", a.toString(),
                "--steps", "3", "--label", "1", "--out", tmp.resolve("strip.png").toString());
        assertEquals(0, i.exitCode(), i.toString());
        CliRun one = CliRun.of("reconstruct", tmp.resolve("cvae").toString(), "--input", a.toString(), "--label",
                "square", "--out", tmp.resolve("one").toString());
        assertEquals(0, one.exitCode(), one.toString());
    }

    @Test
    void evaluateFeedsTheDatasetsLabels() {
        Path out = tmp.resolve("eval-cvae");
        CliRun r = CliRun.of("evaluate", tmp.resolve("cvae").toString(), "--data", "shapes:n=12,size=16,seed=8",
                "--samples", "6", "--metrics", "mse,elbo", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("reconstruction: mse"), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("metrics.json")));
        CliRun g = CliRun.of("evaluate", tmp.resolve("vaegan").toString(), "--data", "shapes:n=12,size=16,seed=8",
                "--samples", "6", "--metrics", "mse,ssim,kl,elbo", "--out", tmp.resolve("eval-vaegan").toString());
        assertEquals(0, g.exitCode(), g.toString());
    }

    @Test
    void vaeganRunLogsTheAdversarialTerms() throws IOException {
        List<EpochMetrics> m = MetricsLog.read(tmp.resolve("run-vaegan/metrics.jsonl"));
        Map<String, Double> x = m.get(1).extras();
        for (String k : List.of("trainPixelRecon", "testPixelRecon", "trainDiscLoss", "testDiscLoss", "trainGenLoss",
                "testGenLoss", "trainDiscReal", "testDiscReal", "trainDiscFake", "testDiscFake", "decoderUpdateRate",
                "discriminatorUpdateRate")) {
            assertTrue(x.containsKey(k) && Double.isFinite(x.get(k)), k + " in " + x);
        }
        assertEquals(3, m.get(1).klPerDim().size());
        String header = Files.readAllLines(tmp.resolve("run-vaegan/metrics.csv")).get(0);
        assertTrue(header.endsWith(",klDim2,trainPixelRecon,testPixelRecon,trainDiscLoss,testDiscLoss,trainGenLoss,"
                + "testGenLoss,trainDiscReal,testDiscReal,trainDiscFake,testDiscFake,decoderUpdateRate,"
                + "discriminatorUpdateRate"), header);
        List<String> rows = Files.readAllLines(tmp.resolve("run-vaegan/metrics.csv"));
        assertEquals(header.split(",").length, rows.get(2).split(",").length);
    }

    @Test
    void cvaeTrainsOnFolderClasses() throws IOException {
        Path dir = tmp.resolve("classes");
        for (String cls : List.of("cats", "dogs")) {
            Files.createDirectories(dir.resolve(cls));
            for (int i = 0; i < 8; i++) {
                SampleImages.writeTo(dir.resolve(cls).resolve(i + ".png"), SampleFormat.PNG_GRAY, 16, 16,
                        cls.length() * 10 + i);
            }
        }
        Path run = tmp.resolve("run-folder");
        CliRun t = CliRun.of("train", "--model", "cvae", "--data", "folder:" + dir, "--epochs", "1", "--batch-size", "4",
                "--latent-dim", "2", "--widths", "4", "--out", run.toString());
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"conditionNames\" : [ \"cats\", \"dogs\" ]"));
    }

    @Test
    void badFamilyInputsAreOneLine() {
        Path x = tmp.resolve("never");
        assertFails("--beta does not apply to --model vae; it is a flag of --model beta-vae", "train", "--model", "vae",
                "--beta", "4", "--out", x.toString());
        assertFails("--capacity-max does not apply to --model beta-vae; it is a flag of --model capacity-vae (--model "
                + "beta-vae takes --beta, --kl-schedule,", "train", "--model", "beta-vae", "--capacity-max", "5",
                "--out", x.toString());
        assertFails("--beta must be a number >= 0, got -1.0", "train", "--model", "beta-vae", "--beta", "-1", "--out",
                x.toString());
        assertFails("--gamma must be a number >= 0, got -5.0", "train", "--model", "capacity-vae", "--gamma", "-5",
                "--out", x.toString());
        assertFails("--kl-schedule: unknown schedule 'linear', expected constant, warmup or cyclical", "train", "--model",
                "beta-vae", "--kl-schedule", "linear", "--out", x.toString());
        assertFails("--kl-cycles applies to --kl-schedule cyclical, not warmup", "train", "--model", "beta-vae",
                "--kl-schedule", "warmup", "--kl-cycles", "3", "--out", x.toString());
        assertFails("--kl-span: '5' is not a span; expected N steps or N epochs", "train", "--model", "beta-vae",
                "--kl-schedule", "warmup", "--kl-span", "5", "--out", x.toString());
        assertFails("--conditioning: unknown conditioning 'tags', expected labels or attributes", "train", "--model",
                "cvae", "--conditioning", "tags", "--out", x.toString());
        assertFails("--conditioning attributes: dataset", "train", "--model", "cvae", "--conditioning", "attributes",
                "--attributes", "Smiling", "--data", DATA, "--out", x.toString());
        assertFails("--model: unknown model family 'vq-vae', expected one of vae, beta-vae, capacity-vae, cvae",
                "train", "--model", "vq-vae", "--out", x.toString());
        assertFails("--codebook-size does not apply to --model vaegan; it is a flag of --model vqvae (--model vaegan "
                + "takes --disc-widths, --feature-layer, --gan-gamma, --no-balance, --equilibrium, --balance-margin)",
                "train", "--model", "vaegan", "--codebook-size", "8", "--out", x.toString());
        assertFails("--gan-gamma must be a number >= 0, got -1.0", "train", "--model", "vaegan", "--gan-gamma", "-1",
                "--out", x.toString());
        assertFails("--model vaegan: feature-layer must be in 1..2 (a discriminator stage), got 3", "train", "--model",
                "vaegan", "--disc-widths", "8,8", "--feature-layer", "3", "--data", DATA, "--out", x.toString());
        assertFails("--equilibrium sets the balancing rule, which --no-balance turns off", "train", "--model", "vaegan",
                "--no-balance", "--equilibrium", "0.5", "--out", x.toString());
        assertFails("--gan-gamma does not apply to --model vae", "train", "--model", "vae", "--gan-gamma", "1", "--out",
                x.toString());
        assertFalse(Files.exists(x), "nothing was written");

        Path cvae = tmp.resolve("cvae");
        Path png = tmp.resolve("s.png");
        assertFails("--label 5: not a class of the model; allowed: 0..2 or a name: labels (0=square, 1=ellipse, 2=heart)",
                "sample", cvae.toString(), "--label", "5", "--out", png.toString());
        assertFails("--condition: the model is conditioned on labels", "sample", cvae.toString(), "--condition",
                "Smiling=1", "--out", png.toString());
        assertFails("--label applies to bundles with a condition input only; this is a beta-vae bundle", "sample",
                tmp.resolve("beta-vae").toString(), "--label", "1", "--out", png.toString());
        assertFails("this cvae bundle needs --label", "interpolate", cvae.toString(), "--from", png.toString(), "--to",
                png.toString(), "--out", png.toString());
        Path attrs = TestBundles.cvae(tmp.resolve("attrs"), true);
        assertFails("--condition: unknown attribute 'Smling'; allowed: Smiling, Eyeglasses, Male", "sample",
                attrs.toString(), "--condition", "Smling=1", "--out", png.toString());
        CliRun ok = CliRun.of("sample", attrs.toString(), "-n", "2", "--condition", "Smiling=1,Male=1", "--out",
                png.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("condition: Smiling=1, Male=1"), ok.toString());
        assertFails("has no attributes", "evaluate", attrs.toString(), "--data", "shapes:n=4,size=16", "--out",
                tmp.resolve("e-attrs").toString());
    }

    /** One line on stderr containing {@code fragment}, exit code 2 (also used by the other family CLI tests). */
    static void assertFails(String fragment, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r);
        assertTrue(r.err().contains(fragment), "expected <" + fragment + ">: " + r);
    }

    static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
