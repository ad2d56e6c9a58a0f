package dev.vaeforge.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaeforge.runtime.data.ImageShape;
import org.junit.jupiter.api.Test;

class PixelMetricsTest {
    private static final ImageShape TWO_PIXELS = new ImageShape(1, 1, 2);

    @Test
    void mseAndPsnrByHand() {
        // image 0: differences 0 and 0.5 -> 0.125; image 1: 0.5 and 0 -> 0.125 ... and 0.1, 0.1 -> 0.01
        float[] x = {0f, 0.5f, 1f, 0.25f, 0.3f, 0.7f};
        float[] y = {0f, 0f, 0.5f, 0.25f, 0.4f, 0.6f};
        double[] mse = PixelMetrics.mse(x, y, 3, TWO_PIXELS);
        assertArrayEquals(new double[] {0.125, 0.125, 0.01}, mse, 1e-8);
        double[] psnr = PixelMetrics.psnr(x, y, 3, TWO_PIXELS);
        assertEquals(10 * Math.log10(8), psnr[0], 1e-12);
        assertEquals(20.0, psnr[2], 1e-5);
    }

    @Test
    void psnrOfIdenticalImagesIsInfinite() {
        float[] x = {0.2f, 0.9f};
        assertEquals(Double.POSITIVE_INFINITY, PixelMetrics.psnr(x, x.clone(), 1, TWO_PIXELS)[0]);
        assertEquals(Double.POSITIVE_INFINITY, PixelMetrics.psnr(0.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PixelMetrics.psnr(-1e-3));
        assertEquals("MSE must be a non-negative number, got -0.001", e.getMessage());
    }

    @Test
    void bceByHandIncludingClamp() {
        // image 0: -log 0.5 and -log 0.75; image 1: p clamped to 1e-7 and 1 - 1e-7, both wrong
        float[] x = {1f, 0f, 1f, 0f};
        float[] p = {0.5f, 0.25f, 0f, 1f};
        double[] bce = PixelMetrics.bce(x, p, 2, TWO_PIXELS);
        assertEquals((Math.log(2) - Math.log(0.75)) / 2, bce[0], 1e-7);
        assertEquals(-Math.log(1e-7), bce[1], 1e-6);
        // a soft target: x = 0.5, p = 0.5 -> log 2
        assertEquals(Math.log(2), PixelMetrics.bce(new float[] {0.5f, 0.5f}, new float[] {0.5f, 0.5f}, 1, TWO_PIXELS)[0], 1e-12);
    }

    @Test
    void klByHand() {
        // dims: (mu 0, logvar 0) -> 0; (mu 1, logvar 0) -> 0.5; (mu 0, logvar ln 2) -> 0.5 (2 - ln 2 - 1)
        float ln2 = (float) Math.log(2);
        float[] mu = {0f, 1f, 0f, 0f, 0f, 0f};
        float[] logvar = {0f, 0f, ln2, 0f, 0f, 0f};
        double[] kl = PixelMetrics.kl(mu, logvar, 2, 3);
        assertEquals(0.5 + 0.5 * (Math.exp(ln2) - ln2 - 1), kl[0], 1e-12);
        assertEquals(0.0, kl[1], 0.0);
    }

    @Test
    void mismatchedLengthsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PixelMetrics.mse(new float[4], new float[3], 2, TWO_PIXELS));
        assertEquals("x and xHat must hold 2 x 2 = 4 floats, got 4 and 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PixelMetrics.kl(new float[4], new float[4], 2, 0));
        assertEquals("latent dimension must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PixelMetrics.bce(new float[0], new float[0], 0, TWO_PIXELS));
        assertEquals("batch size must be at least 1, got 0", e.getMessage());
    }
}
