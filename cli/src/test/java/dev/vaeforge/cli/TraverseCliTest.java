package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraverseCliTest {
    @TempDir
    static Path dir;
    static Path bundle;

    @BeforeAll
    static void bundle() {
        bundle = TestBundles.vae(dir.resolve("vae"), 1, 16);
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
