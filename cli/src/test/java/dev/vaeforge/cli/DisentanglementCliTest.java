package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.NpyArray;
import dev.vaeforge.runtime.data.NpyWriter;
import dev.vaeforge.runtime.session.Device;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** encode, decode, disentanglement and traverse through the CLI, on one small untrained bundle (exported once). */
class DisentanglementCliTest {
    @TempDir
    static Path dir;
    static Path bundle;

    @BeforeAll
    static void bundle() {
        bundle = TestBundles.vae(dir.resolve("vae"), 1, 16);
    }

    @Test
    void scoresAGivenRepresentationUsingEveryRow() throws Exception {
        // three factors of four values; the code is the factors plus a noise dimension
        int n = 240;
        SplittableRandom rng = new SplittableRandom(1);
        long[] f = new long[n * 3];
        float[] z = new float[n * 4];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                f[i * 3 + k] = rng.nextInt(4);
                z[i * 4 + k] = f[i * 3 + k];
            }
            z[i * 4 + 3] = (float) rng.nextDouble();
        }
        NpyWriter.write(dir.resolve("z.npy"), z, n, 4);
        NpyWriter.write(dir.resolve("f.npy"), f, n, 3);
        Path out = dir.resolve("given");
        CliRun r = CliRun.of("disentanglement", "--latents", dir.resolve("z.npy").toString(), "--factors",
                dir.resolve("f.npy").toString(), "--out", out.toString(), "--points-batch", "16");
        assertEquals(0, r.exitCode(), r.toString());
        Map<?, ?> m = Json.read(out.resolve("metrics.json"), Map.class);
        Map<?, ?> scores = (Map<?, ?>) m.get("scores");
        // the noise dimension's 20 bins share spurious information with each factor in 240 rows (the plug-in
        // estimate's bias, about (20 - 1)(4 - 1) / (2 * 240) nats of ln 4), so MIG lands near 0.9, not 1
        assertTrue(((Number) scores.get("mig")).doubleValue() > 0.8, scores.toString());
        assertTrue(((Number) scores.get("dci.disentanglement")).doubleValue() > 0.8, scores.toString());
        assertEquals(n, ((Number) ((Map<?, ?>) m.get("settings")).get("mig_num_train")).intValue());
        assertTrue(Files.readString(out.resolve("metrics.md")).contains("| mig |"));
        assertTrue(Files.readString(out.resolve("metrics.html")).contains("<table>"));
    }

    @Test
    void scoresABundleOnShapesReproducibly() throws Exception {
        String[] args = {"disentanglement", bundle.toString(), "--data", "shapes:n=8,size=16", "--out", "",
                "--num-train", "40", "--num-eval", "20", "--points-batch", "4", "--num-variance", "40", "--mig-points", "60",
                "--seed", "4"};
        args[5] = dir.resolve("a").toString();
        CliRun a = CliRun.of(args);
        assertEquals(0, a.exitCode(), a.toString());
        args[5] = dir.resolve("b").toString();
        CliRun b = CliRun.of(args);
        assertEquals(0, b.exitCode(), b.toString());
        assertEquals(Json.read(dir.resolve("a/metrics.json"), Map.class).get("scores"),
                Json.read(dir.resolve("b/metrics.json"), Map.class).get("scores"));
        assertTrue(Files.exists(dir.resolve("a/traversal.png")), a.toString());
        assertTrue(Files.readString(dir.resolve("a/metrics.html")).contains("src=\"traversal.png\""));
    }

    @Test
    void aDatasetWithoutFactorsIsOneLine() throws Exception {
        Path images = dir.resolve("imgs.npy");
        NpyWriter.write(images, new float[2 * 256], 2, 16, 16);
        CliRun r = CliRun.of("disentanglement", bundle.toString(), "--data", "npy:" + images, "--out",
                dir.resolve("none").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("npy:" + images) && r.err().contains("has no ground-truth factors"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void mismatchedRowsNameBothShapes() throws Exception {
        NpyWriter.write(dir.resolve("z5.npy"), new float[10], 5, 2);
        NpyWriter.write(dir.resolve("f4.npy"), new long[4], 4, 1);
        CliRun r = CliRun.of("disentanglement", "--latents", dir.resolve("z5.npy").toString(), "--factors",
                dir.resolve("f4.npy").toString(), "--out", dir.resolve("m").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("(5, 2)") && r.err().contains("(4, 1)"), r.err());
    }

    @Test
    void encodeWritesMeansLogvarLabelsAndFactorsThenDecodeReadsThem() throws Exception {
        Path z = dir.resolve("enc/z.npy");
        CliRun r = CliRun.of("encode", bundle.toString(), "--input", "shapes:n=21,size=16", "--out", z.toString(),
                "--with", "logvar", "--batch-size", "8");
        assertEquals(0, r.exitCode(), r.toString());
        try (NpyArray a = NpyArray.open(z); NpyArray lv = NpyArray.open(dir.resolve("enc/z.logvar.npy"));
                NpyArray f = NpyArray.open(dir.resolve("enc/z.factors.npy"));
                NpyArray l = NpyArray.open(dir.resolve("enc/z.labels.npy"));
                VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            assertArrayEquals(new long[] {21, 4}, a.shape());
            assertArrayEquals(new long[] {21, 4}, lv.shape());
            assertArrayEquals(new long[] {21, 5}, f.shape());
            assertArrayEquals(new long[] {21}, l.shape());
            // the means are the runtime's posterior means of the same images
            float[] x = dev.vaeforge.cli.data.DatasetResolver.open("shapes:n=21,size=16",
                    dev.vaeforge.runtime.data.DatasetOptions.defaults()).batch(new int[] {20}, 0, 1);
            assertArrayEquals(rt.encode(x, 1).mu(), a.readFloats(20, 1), 1e-6f);
            long[] labels = l.readLongs(0, 21);
            long[] classes = f.readLongs(0, 21);
            for (int i = 0; i < 21; i++) {
                assertEquals(labels[i], classes[i * 5], "the shape factor is the label");
            }
        }
        assertTrue(Files.readString(dir.resolve("enc/z.factors.json")).contains("\"rotation\""));

        Path images = dir.resolve("dec/images.npy");
        CliRun d = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--out", images.toString());
        assertEquals(0, d.exitCode(), d.toString());
        try (NpyArray a = NpyArray.open(images)) {
            assertArrayEquals(new long[] {21, 1, 16, 16}, a.shape());
        }
        CliRun p = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--out", dir.resolve("png").toString());
        assertEquals(0, p.exitCode(), p.toString());
        assertTrue(Files.exists(dir.resolve("png/decoded-00020.png")));
    }

    @Test
    void decodeNamesBothShapesOnAMismatch() throws Exception {
        Path z = dir.resolve("wrong.npy");
        NpyWriter.write(z, new float[15], 3, 5);
        CliRun r = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("(3, 5)") && r.err().contains("(3, 4)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void logvarNeedsItsName() {
        CliRun r = CliRun.of("encode", bundle.toString(), "--input", "shapes:n=2,size=16", "--out",
                dir.resolve("q.npy").toString(), "--with", "variance");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("expected logvar"), r.err());
    }

    @Test
    void oneRowPerDimensionOrderedByKl() throws Exception {
        Path out = dir.resolve("t.png");
        CliRun r = CliRun.of("traverse", bundle.toString(), "--data", "shapes:n=32,size=16", "--dims", "all", "--range",
                "-2:2", "--steps", "5", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        BufferedImage img = ImageIO.read(out.toFile());
        // 4 rows of 48-px cells with 2-px gaps; 5 columns after the label margin
        assertEquals(4 * 50 + 2, img.getHeight());
        assertEquals(120 + 5 * 50, img.getWidth());
        List<String> kl = Files.readAllLines(dir.resolve("t.kl.tsv"));
        assertEquals(5, kl.size(), kl.toString());
        double previous = Double.POSITIVE_INFINITY;
        for (String line : kl.subList(1, 5)) {
            double v = Double.parseDouble(line.split("\t")[1]);
            assertTrue(v <= previous, kl.toString());
            previous = v;
        }
    }

    @Test
    void aDimensionOutOfRangeIsOneLine() {
        CliRun r = CliRun.of("traverse", bundle.toString(), "--dims", "1,7", "--out", dir.resolve("x.png").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("dimension 7 is out of range; the latent has 4 dimensions (0..3)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(dir.resolve("x.png")));
    }
}
