package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DSpritesDatasetTest {
    @Test
    void theExactFactorGrid() throws Exception {
        ImageDataset d = Datasets.open("dsprites", DatasetOptions.defaults());
        FactorDataset f = (FactorDataset) d;
        assertEquals(737_280, d.size());
        assertEquals(new ImageShape(1, 64, 64), d.shape());
        assertEquals(List.of("shape", "scale", "orientation", "posX", "posY"), f.factors().names());
        assertArrayEquals(new int[] {3, 6, 40, 32, 32}, f.factors().sizes());
        assertArrayEquals(new double[] {0.5, 0.6, 0.7, 0.8, 0.9, 1.0}, f.factors().values()[1], 1e-12);
        assertEquals(2 * Math.PI, f.factors().values()[2][39], 1e-12);
        // C order as in the original file: y fastest, shape slowest
        int[] c = new int[5];
        f.factorClasses(1, c);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1}, c);
        f.factorClasses(737_279, c);
        assertArrayEquals(new int[] {2, 5, 39, 31, 31}, c);
        assertEquals(2, d.label(737_279));
    }

    @Test
    void imagesAreBinaryDeterministicAndInsideTheFrame() {
        FactorDataset f = DSpritesDataset.full();
        float[] a = new float[4096];
        float[] b = new float[4096];
        for (int[] c : new int[][] {{0, 5, 5, 0, 0}, {0, 5, 5, 31, 31}, {2, 5, 13, 0, 31}, {1, 0, 0, 16, 16}}) {
            f.render(c, a, 0);
            f.render(c, b, 0);
            assertArrayEquals(a, b);
            int on = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    float v = a[y * 64 + x];
                    assertTrue(v == 0f || v == 1f);
                    on += (int) v;
                    if (x == 0 || y == 0 || x == 63 || y == 63) {
                        assertEquals(0f, v, "border pixel lit for classes " + java.util.Arrays.toString(c));
                    }
                }
            }
            assertTrue(on > 20, "a visible shape for " + java.util.Arrays.toString(c));
        }
        // the factors change the picture: moving right moves the lit pixels right
        f.render(new int[] {0, 5, 0, 0, 16}, a, 0);
        f.render(new int[] {0, 5, 0, 31, 16}, b, 0);
        assertTrue(centreX(b) - centreX(a) > 30);
        f.render(new int[] {0, 0, 0, 0, 16}, b, 0);
        assertNotEquals(count(a), count(b));
    }

    @Test
    void subsampleIsSeededAndBad() throws Exception {
        DSpritesDataset s = (DSpritesDataset) Datasets.open("dsprites:n=100,seed=3", DatasetOptions.defaults());
        DSpritesDataset t = DSpritesDataset.subsample(100, 3);
        assertEquals(100, s.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(s.gridIndex(i), t.gridIndex(i));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("dsprites:n=0", DatasetOptions.defaults()));
        assertTrue(e.getMessage().contains("n=0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DSpritesDataset.full().render(new int[] {3, 0, 0, 0, 0},
                new float[4096], 0));
    }

    private static double centreX(float[] img) {
        double s = 0;
        double n = 0;
        for (int i = 0; i < img.length; i++) {
            s += img[i] * (i % 64);
            n += img[i];
        }
        return s / n;
    }

    private static int count(float[] img) {
        int n = 0;
        for (float v : img) {
            n += (int) v;
        }
        return n;
    }
}
