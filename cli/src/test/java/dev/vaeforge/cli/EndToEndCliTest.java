package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.CorruptFiles;
import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import dev.vaeforge.runtime.image.DecodedImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI path on tiny data, in-process: train -> export -> inspect -> reconstruct -> sample ->
 * interpolate, then the bad inputs of each command (one line on stderr, the documented exit code).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndCliTest {
    @TempDir
    static Path tmp;
    static Path run;
    static Path bundle;

    @BeforeAll
    static void trainAndExport() {
        run = tmp.resolve("run");
        bundle = tmp.resolve("bundle");
        CliRun t = CliRun.of("train", "--model", "vae", "--data", "shapes:n=96,size=16", "--epochs", "2", "--batch-size",
                "16", "--latent-dim", "3", "--widths", "8,8", "--out", run.toString());
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(t.out().contains("final          train loss"), t.toString());
        assertTrue(t.err().contains("epoch 2: train"), "progress goes to stderr: " + t);
        CliRun e = CliRun.of("export", run.toString(), "--out", bundle.toString());
        assertEquals(0, e.exitCode(), e.toString());
        assertTrue(e.out().contains("parity max |ORT - DJL|"), e.toString());
    }

    @Test
    @Order(1)
    void runDirectoryHoldsConfigMetricsAndCheckpoints() throws IOException {
        assertTrue(Files.isRegularFile(run.resolve("config.json")));
        java.util.List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(3, csv.size(), "header + one row per epoch");
        int col = java.util.Arrays.asList(csv.get(0).split(",")).indexOf("trainLoss");
        double first = Double.parseDouble(csv.get(1).split(",")[col]);
        double second = Double.parseDouble(csv.get(2).split(",")[col]);
        assertTrue(second < first, "the loss went down: " + first + " -> " + second);
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("epoch-0002")));
        CliRun i = CliRun.of("inspect", bundle.toString());
        assertEquals(0, i.exitCode(), i.toString());
        assertTrue(i.out().contains("training  2 epochs"), i.toString());
        assertTrue(i.out().contains("dataset   shapes:n=96,size=16"), i.toString());
    }

    @Test
    @Order(2)
    void reconstructsASpecAFolderAndAFile() throws IOException {
        Path out = tmp.resolve("recon");
        CliRun r = CliRun.of("reconstruct", bundle.toString(), "--input", "shapes:n=5,seed=3", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("recon-00004.png")), r.toString());
        DecodedImage grid = ImageDecoder.read(out.resolve("comparison.png"));
        assertTrue(grid.image().height() > 2 * 16, "originals above reconstructions");

        Path folder = Files.createDirectories(tmp.resolve("imgs/sub"));
        SampleImages.writeTo(folder.resolve("a.png"), SampleFormat.PNG_RGB, 16, 16, 1);
        SampleImages.writeTo(folder.getParent().resolve("b.jpg"), SampleFormat.JPEG_RGB, 16, 16, 2);
        Path out2 = tmp.resolve("recon2");
        r = CliRun.of("reconstruct", bundle.toString(), "--input", folder.getParent().toString(), "--out", out2.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isRegularFile(out2.resolve("sub_a.png")), r.toString());
        assertTrue(Files.isRegularFile(out2.resolve("b.png")), r.toString());
        DecodedImage one = ImageDecoder.read(out2.resolve("b.png"));
        assertEquals(16, one.image().width());
        assertEquals(1, one.image().channels(), "RGB input converted to the model's gray by the luma rule");

        r = CliRun.of("reconstruct", bundle.toString(), "--input", folder.resolve("a.png").toString(), "--out", out2.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isRegularFile(out2.resolve("a.recon.png")), r.toString());
    }

    @Test
    @Order(3)
    void samplesAndInterpolates() throws IOException {
        Path grid = tmp.resolve("samples.png");
        CliRun s = CliRun.of("sample", bundle.toString(), "-n", "9", "--seed", "1", "--out", grid.toString(),
                "--images", tmp.resolve("each").toString());
        assertEquals(0, s.exitCode(), s.toString());
        DecodedImage g = ImageDecoder.read(grid);
        assertEquals(3 * 16 + 4 * 2, g.image().width(), "3 columns of 16 px with 2 px padding");
        try (Stream<Path> each = Files.list(tmp.resolve("each"))) {
            assertEquals(9, each.count());
        }
        byte[] first = Files.readAllBytes(grid);
        assertEquals(0, CliRun.of("sample", bundle.toString(), "-n", "9", "--seed", "1", "--out", grid.toString()).exitCode());
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(grid)), "same seed, same image");

        Path a = tmp.resolve("a.png");
        Path b = tmp.resolve("b.png");
        SampleImages.writeTo(a, SampleFormat.PNG_GRAY, 16, 16, 4);
        SampleImages.writeTo(b, SampleFormat.PNG_GRAY, 16, 16, 5);
        Path strip = tmp.resolve("strip.png");
        CliRun i = CliRun.of("interpolate", bundle.toString(), "--from", a.toString(), "--to", b.toString(), "--steps", "6",
                "--out", strip.toString());
        assertEquals(0, i.exitCode(), i.toString());
        assertEquals(6 * 16 + 7 * 2, ImageDecoder.read(strip).image().width());
    }

    @Test
    @Order(4)
    void badInputsAreOneLineWithTheirExitCodes() throws IOException {
        assertFails(2, "--model: unknown model family 'gan', expected one of vae",
                "train", "--model", "gan", "--out", tmp.resolve("x").toString());
        assertFails(4, "already holds a training run", "train", "--data", "shapes:n=32,size=16", "--epochs", "1", "--widths", "8", "--batch-size", "8",
                "--out", run.toString());
        assertFails(4, "no-such-run", "export", tmp.resolve("no-such-run").toString(), "--out", tmp.resolve("b2").toString());
        assertFalse(Files.exists(tmp.resolve("b2")), "nothing half-written");
        assertFails(3, "no such bundle directory", "sample", tmp.resolve("nope").toString(), "--out", tmp.resolve("s.png").toString());

        Path big = tmp.resolve("big.png");
        SampleImages.writeTo(big, SampleFormat.PNG_GRAY, 20, 18, 1);
        assertFails(2, big.toString(), "interpolate", bundle.toString(), "--from", big.toString(), "--to", big.toString(),
                "--out", tmp.resolve("i.png").toString());
        Path corrupt = CorruptFiles.write(tmp, CorruptFiles.Kind.TRUNCATED_PNG);
        assertFails(2, corrupt.getFileName().toString(), "interpolate", bundle.toString(), "--from", corrupt.toString(),
                "--to", big.toString(), "--out", tmp.resolve("i.png").toString());
        assertFalse(Files.exists(tmp.resolve("i.png")));
        assertFails(2, "--device 'tpu' is not a device", "sample", bundle.toString(), "--device", "tpu", "--out",
                tmp.resolve("s.png").toString());
        if (!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            assertFails(5, "no CUDA execution provider", "sample", bundle.toString(), "--device", "cuda", "--out",
                    tmp.resolve("s.png").toString());
        }
        assertFails(2, "-n must be in 1..100000", "sample", bundle.toString(), "-n", "0", "--out", tmp.resolve("s.png").toString());
    }

    private static void assertFails(int code, String fragment, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r);
        assertTrue(r.err().startsWith("vaeforge: "), r.toString());
        assertTrue(r.err().contains(fragment), "expected <" + fragment + ">: " + r);
    }
}
