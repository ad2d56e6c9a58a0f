package dev.vaeforge.cli;

import static dev.vaeforge.cli.FamilyCliTest.assertFails;
import static dev.vaeforge.cli.FamilyCliTest.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hvae through the CLI on tiny data: train with its flags (per-level KL columns), export, inspect, work at a
 * chosen level (encode, interpolate, traverse), evaluate (KL and active units per level, NLL); and its bad
 * inputs, refused in one line before any data is read.
 */
class HvaeCliTest {
    static final String[] SMALL = {"--data", "shapes:n=96,size=16", "--epochs", "1", "--batch-size", "16",
        "--widths", "8,8"};

    @TempDir
    Path tmp;

    @Test
    void trainsExportsAndWorksAtEitherLevel() throws Exception {
        Path run = tmp.resolve("run");
        CliRun t = CliRun.of(concat(new String[] {"train", "--model", "hvae", "--levels", "2", "--latent-dims", "4,2",
            "--level-free-bits", "0,0.1", "--kl-warmup", "3steps", "--out", run.toString()}, SMALL));
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(t.out().contains("test KL level 1"), t.out());
        String header = Files.readAllLines(run.resolve("metrics.csv")).get(0);
        assertTrue(header.contains(",beta,klDim0,"), header);
        assertTrue(header.contains(",klDim5,trainKl1,testKl1,trainKl2,testKl2"), "4 + 2 dims, then the levels: " + header);
        Path bundle = tmp.resolve("bundle");
        assertEquals(0, CliRun.of("export", run.toString(), "--out", bundle.toString()).exitCode());
        CliRun i = CliRun.of("inspect", bundle.toString());
        assertTrue(i.out().contains("latent      levels z2 [2] over z1 [4] (top first), inference precision-weighted"),
                i.toString());
        assertTrue(i.out().contains("z2=latent@z2 -> prior_mu1=prior-mean@z1, prior_logvar1=prior-logvar@z1"), i.toString());

        Path png = tmp.resolve("a.png");
        fixture(png);
        CliRun l = CliRun.of("interpolate", bundle.toString(), "--from", png.toString(), "--to", png.toString(),
                "--steps", "3", "--level", "z2", "--out", tmp.resolve("line.png").toString());
        assertEquals(0, l.exitCode(), l.toString());
        CliRun tr = CliRun.of("traverse", bundle.toString(), "--level", "z2", "--steps", "3", "--kl-images", "8",
                "--out", tmp.resolve("trav.png").toString());
        assertEquals(0, tr.exitCode(), tr.toString());
        Path npy = tmp.resolve("z2.npy");
        CliRun enc = CliRun.of("encode", bundle.toString(), "--input", "shapes:n=8,size=16", "--level", "z2",
                "--out", npy.toString());
        assertEquals(0, enc.exitCode(), enc.toString());
        assertTrue(enc.out().contains("[8, 2]") || enc.out().contains("8x2") || Files.size(npy) > 0, enc.toString());
        CliRun dec = CliRun.of("decode", bundle.toString(), "--latents", npy.toString(), "--level", "z2",
                "--out", tmp.resolve("dec.npy").toString());
        assertEquals(0, dec.exitCode(), dec.toString());

        Path eval = tmp.resolve("eval");
        CliRun e = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=24,size=16", "--samples", "8",
                "--nll-samples", "10", "--out", eval.toString());
        assertEquals(0, e.exitCode(), e.toString());
        JsonNode m = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
        JsonNode levels = m.path("latent").path("levels");
        assertEquals(2, levels.size(), m.toString());
        assertEquals("z2", levels.get(0).path("name").asText());
        double kl = m.path("reconstruction").path("kl").path("mean").asDouble();
        assertEquals(kl, levels.get(0).path("kl").asDouble() + levels.get(1).path("kl").asDouble(), 1e-6 * Math.max(1, kl));
        double elbo = m.path("reconstruction").path("elbo").path("mean").asDouble();
        double nll = m.path("reconstruction").path("nll").path("mean").asDouble();
        assertTrue(nll > 0 && -elbo >= nll - 1.0, "NLL " + nll + " at most about -ELBO " + -elbo);
        assertTrue(m.path("estimation").path("nll").asText().contains("every level"), m.toString());
    }

    @Test
    void badLevelsAndDimsAreOneLineBeforeAnyDataIsRead() {
        String[] nodata = {"--data", "folder:" + tmp.resolve("missing"), "--epochs", "1"};
        assertFails("--levels must be 2 (the depth hvae builds), got 3", concat(new String[] {"train", "--model", "hvae",
            "--levels", "3", "--out", tmp.resolve("a").toString()}, nodata));
        assertFails("--latent-dims must list 2 sizes, one per level (bottom first, e.g. 16,8), got 1: 16",
                concat(new String[] {"train", "--model", "hvae", "--latent-dims", "16", "--out", tmp.resolve("b").toString()},
                        nodata));
        assertFails("--latent-dims: each size must be an integer in 1..4096, got 16,0", concat(new String[] {"train",
            "--model", "hvae", "--latent-dims", "16,0", "--out", tmp.resolve("c").toString()}, nodata));
        assertFails("--level-free-bits: each value must be a number >= 0", concat(new String[] {"train", "--model",
            "hvae", "--level-free-bits", "0,-1", "--out", tmp.resolve("d").toString()}, nodata));
        assertFails("--latent-dims does not apply to --model vae; it is a flag of --model hvae", concat(new String[] {
            "train", "--model", "vae", "--latent-dims", "4,2", "--out", tmp.resolve("e").toString()}, nodata));
        assertFalse(Files.exists(tmp.resolve("a")), "nothing written");
    }

    private static void fixture(Path png) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.getRaster().setSample(x, y, 0, (x * 16 + y) % 256);
            }
        }
        javax.imageio.ImageIO.write(img, "png", png.toFile());
    }
}
