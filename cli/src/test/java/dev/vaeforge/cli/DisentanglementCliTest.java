package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.data.NpyWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
