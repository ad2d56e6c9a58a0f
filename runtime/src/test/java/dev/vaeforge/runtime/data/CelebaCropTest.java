package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageReadException;
import org.junit.jupiter.api.Test;

/** The crop geometry on exact values: each pixel holds its own column (channel 0) and row (channel 1). */
class CelebaCropTest {
    private static final int W = 178;
    private static final int H = 218;

    private static FloatImage coordinates() {
        float[] d = new float[3 * H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                d[y * W + x] = x / 1000f;
                d[H * W + y * W + x] = y / 1000f;
                d[2 * H * W + y * W + x] = 0.5f;
            }
        }
        return new FloatImage(3, H, W, d);
    }

    private static int col(float[] chw, int size, int y, int x) {
        return Math.round(chw[y * size + x] * 1000);
    }

    private static int row(float[] chw, int size, int y, int x) {
        return Math.round(chw[size * size + y * size + x] * 1000);
    }

    @Test
    void crop148StartsAtColumn15Row35() throws ImageReadException {
        float[] out = new CelebaCrop(148, new ImageShape(3, 148, 148)).apply(coordinates(), "x");
        assertEquals(15, col(out, 148, 0, 0));
        assertEquals(35, row(out, 148, 0, 0));
        assertEquals(162, col(out, 148, 147, 147));
        assertEquals(182, row(out, 148, 147, 147));
    }

    @Test
    void crop178KeepsRows20To197() throws ImageReadException {
        float[] out = CelebaCrop.parse("178", new ImageShape(3, 178, 178)).apply(coordinates(), "x");
        assertEquals(0, col(out, 178, 0, 0));
        assertEquals(20, row(out, 178, 0, 0));
        assertEquals(197, row(out, 178, 177, 0));
    }

    @Test
    void resizingAveragesAreas() throws ImageReadException {
        // 148 -> 74 halves each axis: output (0, 0) is the mean of columns 15-16 and rows 35-36
        float[] out = CelebaCrop.parse(null, new ImageShape(3, 74, 74)).apply(coordinates(), "x");
        assertEquals(15.5f, out[0] * 1000, 1e-3f);
        assertEquals(35.5f, out[74 * 74] * 1000, 1e-3f);
        FloatImage squashed = FloatImage.of(new ImageShape(3, 109, 89),
                CelebaCrop.parse("none", new ImageShape(3, 109, 89)).apply(coordinates(), "x"));
        assertEquals(0.5f, squashed.get(0, 0, 0) * 1000, 1e-3f);
        assertEquals(216.5f, squashed.get(1, 108, 0) * 1000, 1e-3f);
        float[] gray = CelebaCrop.parse(null, new ImageShape(1, 64, 64)).apply(coordinates(), "x");
        assertEquals(64 * 64, gray.length);
    }

    @Test
    void imagesSmallerThanTheCropAreBad() {
        FloatImage small = new FloatImage(1, 100, 120, new float[12000]);
        ImageReadException e = assertThrows(ImageReadException.class,
                () -> CelebaCrop.parse(null, CelebaCrop.DEFAULT_TARGET).apply(small, "s.jpg"));
        assertEquals("s.jpg: image is 100x120 (height x width), smaller than the 148x148 centre crop", e.getMessage());
        assertTrue(CelebaCrop.parse("178", CelebaCrop.DEFAULT_TARGET).describe().contains("crop=178-centre"));
    }
}
