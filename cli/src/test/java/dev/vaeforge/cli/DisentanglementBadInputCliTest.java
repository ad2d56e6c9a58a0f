package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.data.NpyWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad inputs of issue 16 that DisentanglementCliTest does not cover, each through the CLI: one line on
 * stderr naming the file or value and what was expected, exit status 2, nothing written.
 */
class DisentanglementBadInputCliTest {
    @TempDir
    static Path dir;
    static Path vae;
    static Path vq;

    @BeforeAll
    static void bundles() {
        vae = TestBundles.vae(dir.resolve("vae"), 1, 16);
        Path run = dir.resolve("run-vq");
        CliRun t = CliRun.of("train", "--model", "vqvae", "--out", run.toString(), "--data", "shapes:n=32,size=16",
                "--epochs", "1", "--batch-size", "16", "--widths", "8,8", "--codebook-size", "8", "--code-dim", "4");
        assertEquals(0, t.exitCode(), t.toString());
        vq = dir.resolve("vq");
        CliRun e = CliRun.of("export", run.toString(), "--out", vq.toString());
        assertEquals(0, e.exitCode(), e.toString());
    }

    private static void oneLine(CliRun r, String... parts) {
        assertEquals(2, r.exitCode(), r.toString());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "missing '" + p + "' in: " + r.err());
        }
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aBundleWithoutAGaussianLatentIsOneLineInEveryCommand() {
        Path out = dir.resolve("vq-scores");
        oneLine(CliRun.of("disentanglement", vq.toString(), "--data", "shapes:n=8,size=16", "--out", out.toString()),
                vq.toString(), "need a Gaussian latent", "latent is codes");
        assertFalse(Files.exists(out.resolve("metrics.json")));
        oneLine(CliRun.of("traverse", vq.toString(), "--out", dir.resolve("vq.png").toString()), vq.toString(),
                "needs a Gaussian latent", "latent is codes");
        assertFalse(Files.exists(dir.resolve("vq.png")));
        oneLine(CliRun.of("encode", vq.toString(), "--input", "shapes:n=4,size=16", "--with", "logvar", "--out",
                dir.resolve("vq.npy").toString()), "--with logvar needs a Gaussian latent", "codes");
        assertFalse(Files.exists(dir.resolve("vq.npy")));
        oneLine(CliRun.of("bench", "disentanglement", vq.toString(), "--data", "shapes:n=8,size=16"), vq.toString(),
                "need a Gaussian latent");
    }

    @Test
    void encodeOnAShapeMismatchNamesBothShapes() throws Exception {
        Path images = dir.resolve("small.npy");
        NpyWriter.write(images, new float[2 * 64], 2, 1, 8, 8);
        Path z = dir.resolve("mismatch.npy");
        oneLine(CliRun.of("encode", vae.toString(), "--input", "npy:" + images, "--out", z.toString()),
                "npy:" + images, "8x8", "16x16");
        assertFalse(Files.exists(z));
    }

    @Test
    void anNpzWithAMissingOrMisshapenArrayIsOneLineBeforeAnythingIsExtracted() throws Exception {
        Path imgs = dir.resolve("imgs.npy");
        NpyWriter.write(imgs, new float[6 * 256], 6, 16, 16);
        Path classes = dir.resolve("latents_classes.npy");
        NpyWriter.write(classes, new long[3 * 2], 3, 2);
        Path missing = zip(dir.resolve("missing.npz"), imgs);
        Path cache = dir.resolve("cache");
        oneLine(CliRun.of("disentanglement", vae.toString(), "--data", "npz:" + missing, "--out",
                dir.resolve("m").toString()), missing.toString(),
                "holds no array 'latents_classes'", "expected latents_classes of shape (6, K)");
        Path misshapen = zip(dir.resolve("misshapen.npz"), imgs, classes);
        oneLine(CliRun.of("encode", vae.toString(), "--input", "npz:" + misshapen, "--out",
                dir.resolve("n.npy").toString(), "--cache-dir", cache.toString()), misshapen.toString(),
                "'latents_classes' has shape (3, 2)", "expected (6, K)");
        assertFalse(Files.exists(dir.resolve("n.npy")));
    }

    private static Path zip(Path out, Path... arrays) throws Exception {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Path a : arrays) {
                z.putNextEntry(new ZipEntry(a.getFileName().toString()));
                z.write(Files.readAllBytes(a));
                z.closeEntry();
            }
        }
        return out;
    }
}
