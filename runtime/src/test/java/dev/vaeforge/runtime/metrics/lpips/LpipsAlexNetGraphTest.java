package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.metrics.lpips.LpipsReference.Map3;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built LPIPS-AlexNet graph, run in ORT on [-1,1] inputs, against the plain-Java reference. */
class LpipsAlexNetGraphTest {
    static final LpipsWeights WEIGHTS = LpipsWeights.random(2018);
    private static OrtSession session;

    @BeforeAll
    static void openSession() {
        session = Sessions.create(LpipsAlexNetGraph.build(WEIGHTS).toByteArray(), "lpips-alex", Device.CPU);
    }

    @AfterAll
    static void closeSession() throws OrtException {
        session.close();
    }

    @Test
    void matchesReferenceAt64x64() throws OrtException {
        assertMatchesReference(64, 64, 11);
    }

    @Test
    void matchesReferenceAt32x48() throws OrtException {
        assertMatchesReference(32, 48, 12);
    }

    @Test
    void identicalImagesAreAtDistanceZeroAndTheDistanceIsSymmetric() throws OrtException {
        SplittableRandom rnd = new SplittableRandom(13);
        float[] a = signedImages(rnd, 2, 64, 64);
        float[] b = signedImages(rnd, 2, 64, 64);
        float[] same = run(a, a, 2, 64, 64);
        float[] ab = run(a, b, 2, 64, 64);
        float[] ba = run(b, a, 2, 64, 64);
        for (int i = 0; i < 2; i++) {
            assertEquals(0, same[i], 1e-6);
            assertTrue(ab[i] > 1e-3, "random images should be far apart, got " + ab[i]);
            assertEquals(ab[i], ba[i], 1e-6);
        }
    }

    @Test
    void matchesReferenceAtMinSideWhereOrtWouldNotRefuseSmallerImages() throws OrtException {
        int s = LpipsAlexNetGraph.MIN_SIDE;
        assertMatchesReference(s, s, 14);
        // one pixel less and PyTorch refuses the second max pooling (2 pixels for a 3-pixel window),
        // but ORT returns a number: which is why LpipsModel checks the size itself
        float[] x = signedImages(new SplittableRandom(15), 1, s - 1, s);
        float[] y = signedImages(new SplittableRandom(16), 1, s - 1, s);
        assertTrue(Float.isFinite(run(x, y, 1, s - 1, s)[0]));
    }

    @Test
    void referenceConvolutionAndPoolingAgreeWithHandComputedValues() {
        // 1 channel 3x3 input 1..9; a 3x3 kernel of ones, stride 2, pad 1 sums each clipped window
        Map3 in = new Map3(1, 3, 3, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        Map3 out = LpipsReference.conv(in, new LpipsWeights.ConvSpec(1, 1, 3, 2, 1), ones, new float[] {0.5f});
        assertEquals(2, out.h());
        assertArrayEquals(new double[] {12.5, 16.5, 24.5, 28.5}, out.v(), 1e-12);
        Map3 pooled = LpipsReference.maxPool3s2(new Map3(1, 5, 5, new double[] {
            1, 0, 0, 0, 2,
            0, 0, 0, 0, 0,
            0, 0, 3, 0, 0,
            0, 0, 0, 0, 0,
            4, 0, 0, 0, 0}));
        assertArrayEquals(new double[] {3, 3, 4, 3}, pooled.v(), 0);
    }

    private static void assertMatchesReference(int h, int w, long seed) throws OrtException {
        int n = 3;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = signedImages(rnd, n, h, w);
        float[] b = signedImages(rnd, n, h, w);
        // the last pair is close together, as an image and its reconstruction are
        int per = 3 * h * w;
        for (int i = 0; i < per; i++) {
            b[2 * per + i] = Math.max(-1, Math.min(1, a[2 * per + i] + (float) (0.1 * (rnd.nextDouble() - 0.5))));
        }
        float[] got = run(a, b, n, h, w);
        double maxRel = 0;
        double maxAbs = 0;
        for (int i = 0; i < n; i++) {
            double want = LpipsReference.distance(WEIGHTS, slice(a, i, per), slice(b, i, per), h, w);
            double rel = Math.abs(got[i] - want) / Math.abs(want);
            maxRel = Math.max(maxRel, rel);
            maxAbs = Math.max(maxAbs, Math.abs(got[i] - want));
            assertTrue(rel <= 1e-4, h + "x" + w + " pair " + i + ": graph " + got[i] + ", reference " + want);
        }
        System.out.printf("LPIPS graph vs reference at %dx%d: max |diff| %.3g, max relative %.3g%n", h, w, maxAbs, maxRel);
    }

    static float[] run(float[] a, float[] b, int n, int h, int w) throws OrtException {
        long[] dims = {n, 3, h, w};
        try (OnnxTensor ta = OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(a), dims);
             OnnxTensor tb = OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(b), dims);
             OrtSession.Result r = session.run(Map.of("a", ta, "b", tb))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            assertArrayEquals(new long[] {n, 1, 1, 1}, ((OnnxTensor) r.get(0)).getInfo().getShape());
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    /** {@code n} RGB images with values uniform in [-1,1]. */
    static float[] signedImages(SplittableRandom rnd, int n, int h, int w) {
        float[] x = new float[n * 3 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }

    static float[] slice(float[] x, int i, int per) {
        float[] out = new float[per];
        System.arraycopy(x, i * per, out, 0, per);
        return out;
    }
}
