package dev.vaeforge.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The float32 graphs against the double-precision {@link ReferenceQuality} on seeded random images. */
class ImageQualityMetricsTest {
    private static final double TOL = 1e-5;
    private static final int[][] SIZES = {{63, 65}, {32, 48}, {28, 28}, {11, 11}, {12, 13}};
    private static ImageQualityMetrics metrics;

    @BeforeAll
    static void open() throws OrtException {
        metrics = new ImageQualityMetrics();
    }

    @AfterAll
    static void close() throws OrtException {
        metrics.close();
    }

    @Test
    void graphsMatchReferenceOnRandomImages() throws OrtException {
        double worstSsim = 0, worstGmsd = 0;
        for (int channels : new int[] {1, 3}) {
            for (int[] hw : SIZES) {
                for (boolean bright : new boolean[] {false, true}) {
                    ImageShape s = new ImageShape(channels, hw[0], hw[1]);
                    int n = 3;
                    float[][] ab = TestImages.pair(s, n, bright, 31L * hw[0] + hw[1] + channels);
                    Quality[] q = metrics.quality(ab[0], ab[1], n, s);
                    for (int i = 0; i < n; i++) {
                        double ssim = ReferenceQuality.ssim(ab[0], ab[1], i, s);
                        double gmsd = ReferenceQuality.gmsd(ab[0], ab[1], i, s);
                        String what = s + (bright ? " bright" : " noise") + " image " + i;
                        assertEquals(ssim, q[i].ssim(), TOL, what + " SSIM");
                        assertEquals(gmsd, q[i].gmsd(), TOL, what + " GMSD");
                        worstSsim = Math.max(worstSsim, Math.abs(ssim - q[i].ssim()));
                        worstGmsd = Math.max(worstGmsd, Math.abs(gmsd - q[i].gmsd()));
                    }
                }
            }
        }
        System.out.printf("graph vs reference, random images: max |dSSIM| %.1e, max |dGMSD| %.1e%n", worstSsim, worstGmsd);
    }

    @Test
    void singleMetricGraphsAgreeWithTheCombinedOne() throws OrtException {
        ImageShape s = new ImageShape(3, 32, 48);
        float[][] ab = TestImages.pair(s, 4, false, 7);
        Quality[] q = metrics.quality(ab[0], ab[1], 4, s);
        double[] ssim = metrics.ssim(ab[0], ab[1], 4, s);
        double[] gmsd = metrics.gmsd(ab[0], ab[1], 4, s);
        for (int i = 0; i < 4; i++) {
            assertEquals(q[i].ssim(), ssim[i], 1e-7);
            assertEquals(q[i].gmsd(), gmsd[i], 1e-7);
        }
    }

    @Test
    void gmsdWorksBelowTheSsimWindow() throws OrtException {
        for (int channels : new int[] {1, 3}) {
            for (int[] hw : new int[][] {{2, 2}, {3, 5}, {7, 10}}) {
                ImageShape s = new ImageShape(channels, hw[0], hw[1]);
                float[][] ab = TestImages.pair(s, 2, false, hw[0] * 7L + hw[1]);
                double[] gmsd = metrics.gmsd(ab[0], ab[1], 2, s);
                for (int i = 0; i < 2; i++) {
                    assertEquals(ReferenceQuality.gmsd(ab[0], ab[1], i, s), gmsd[i], TOL, s + " image " + i);
                }
            }
        }
    }

    @Test
    void aBatchGivesTheSameValuesAsSingleImages() throws OrtException {
        // 17 images: one full block of 16 plus one padded block, so padding and block position both vary
        ImageShape s = new ImageShape(3, 28, 28);
        int n = 17;
        float[][] ab = TestImages.pair(s, n, false, 99);
        Quality[] batch = metrics.quality(ab[0], ab[1], n, s);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            float[] a1 = new float[s.size()];
            float[] b1 = new float[s.size()];
            System.arraycopy(ab[0], i * s.size(), a1, 0, s.size());
            System.arraycopy(ab[1], i * s.size(), b1, 0, s.size());
            Quality one = metrics.quality(a1, b1, 1, s)[0];
            worst = Math.max(worst, Math.max(Math.abs(one.ssim() - batch[i].ssim()), Math.abs(one.gmsd() - batch[i].gmsd())));
        }
        System.out.printf("batch of %d vs %d batches of 1: max difference %.1e%n", n, n, worst);
        assertTrue(worst <= 1e-7, "batch and single-image values differ by " + worst);
    }

    @Test
    void oneRunPerBatchAgreesWithChunkedRuns() throws OrtException {
        // 40 images: chunks of 16, 16 and 8 (padded) against a single run of 48 (padded)
        ImageShape s = new ImageShape(1, 24, 20);
        int n = 40;
        float[][] ab = TestImages.pair(s, n, false, 40);
        Quality[] chunked = metrics.quality(ab[0], ab[1], n, s);
        try (OrtSession.SessionOptions o = ImageQualityMetrics.defaultOptions();
             ImageQualityMetrics single = new ImageQualityMetrics(OrtEnvironment.getEnvironment(), o)) {
            Quality[] whole = single.quality(ab[0], ab[1], n, s);
            for (int i = 0; i < n; i++) {
                assertEquals(whole[i].ssim(), chunked[i].ssim(), 1e-7, "image " + i);
                assertEquals(whole[i].gmsd(), chunked[i].gmsd(), 1e-7, "image " + i);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageQualityMetrics(OrtEnvironment.getEnvironment(), null, 0));
        assertEquals("concurrentRuns must be at least 1, got 0", e.getMessage());
    }

    @Test
    void identicalImagesAreAPerfectMatch() throws OrtException {
        ImageShape s = new ImageShape(1, 20, 20);
        float[] a = TestImages.pair(s, 2, false, 3)[0];
        Quality[] q = metrics.quality(a, a.clone(), 2, s);
        for (Quality x : q) {
            assertEquals(1.0, x.ssim(), 1e-6);
            assertEquals(0.0, x.gmsd(), 1e-6);
        }
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        ImageShape s = new ImageShape(3, 16, 16);
        float[][] p1 = TestImages.pair(s, 3, false, 1);
        float[][] p2 = TestImages.pair(s, 3, true, 2);
        double[] e1 = metrics.ssim(p1[0], p1[1], 3, s);
        double[] e2 = metrics.ssim(p2[0], p2[1], 3, s);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                Future<double[]> f1 = pool.submit(() -> metrics.ssim(p1[0], p1[1], 3, s));
                Future<double[]> f2 = pool.submit(() -> metrics.ssim(p2[0], p2[1], 3, s));
                assertArrayEquals(e1, f1.get(), 1e-7);
                assertArrayEquals(e2, f2.get(), 1e-7);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void badInputsAreNamed() {
        ImageShape s = new ImageShape(3, 10, 12);
        float[] a = new float[s.size()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> metrics.ssim(a, a, 1, s));
        assertEquals("SSIM needs images of at least 11x11 (the Gaussian window), got 10x12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> metrics.quality(a, a, 1, s));
        assertEquals("SSIM needs images of at least 11x11 (the Gaussian window), got 10x12", e.getMessage());
        ImageShape line = new ImageShape(1, 1, 8);
        e = assertThrows(IllegalArgumentException.class, () -> metrics.gmsd(new float[8], new float[8], 1, line));
        assertEquals("GMSD needs images of at least 2x2 (one pooling block), got 1x8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> metrics.gmsd(a, new float[5], 1, s));
        assertEquals("images a and b must hold n*C*H*W = 1*3*10*12 = 360 floats, got 360 and 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> metrics.gmsd(a, a, 0, s));
        assertEquals("batch size must be at least 1, got 0", e.getMessage());
    }

    @Test
    void aClosedInstanceSaysSo() throws OrtException {
        ImageQualityMetrics m = new ImageQualityMetrics();
        m.close();
        ImageShape s = new ImageShape(1, 11, 11);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.ssim(new float[121], new float[121], 1, s));
        assertEquals("ImageQualityMetrics is closed", e.getMessage());
    }
}
