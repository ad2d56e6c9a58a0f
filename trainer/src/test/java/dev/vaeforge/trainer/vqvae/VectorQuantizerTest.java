package dev.vaeforge.trainer.vqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.trainer.engine.EngineSetup;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorQuantizerTest {
    private static final NDIndex ALL = new NDIndex("...");

    /** A quantizer over a [1, D, 2, 2] grid with the given codebook (and EMA sums matching it). */
    private static VectorQuantizer quantizer(NDManager m, float[][] book, boolean ema, int deadSteps) {
        int k = book.length;
        int d = book[0].length;
        VectorQuantizer q = new VectorQuantizer(k, d, ema, 0.99, 1e-5, deadSteps);
        q.initialize(m, DataType.FLOAT32, new Shape(1, d, 2, 2));
        NDArray cb = m.create(book);
        q.codebook().getArray().set(ALL, cb);
        q.embedSum().getArray().set(ALL, cb);
        return q;
    }

    /** z_e[1, D, 2, 2] whose four positions (row-major over h, w) are {@code vectors}. */
    private static NDArray grid(NDManager m, float[][] vectors) {
        return m.create(vectors).reshape(1, 2, 2, vectors[0].length).transpose(0, 3, 1, 2);
    }

    @Test
    void emaUpdateMatchesHandComputedCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer q = quantizer(m, new float[][] {{0, 0}, {1, 1}, {5, 5}}, true, 0);
            // two vectors near code 0, two near code 1, none near code 2
            NDArray ze = grid(m, new float[][] {{0.1f, 0f}, {-0.1f, 0.2f}, {1f, 2f}, {2f, 1f}});
            NDList out = q.forward(new ParameterStore(m, false), new NDList(ze), true);
            assertArrayEquals(new long[] {0, 0, 1, 1}, out.get(3).toLongArray());
            // N = 0.99 * 1 + 0.01 * n with n = (2, 2, 0)
            assertArrayEquals(new float[] {1.01f, 1.01f, 0.99f}, q.clusterSize().getArray().toFloatArray(), 1e-6f);
            // m = 0.99 * e + 0.01 * s with s = ((0, 0.2), (3, 3), (0, 0))
            assertArrayEquals(new float[] {0f, 0.002f, 1.02f, 1.02f, 4.95f, 4.95f},
                    q.embedSum().getArray().toFloatArray(), 1e-6f);
            // Laplace smoothing: N' = (N + eps) / (3.01 + 3 eps) * 3.01
            double total = 3.01;
            double n0 = (1.01 + 1e-5) / (total + 3e-5) * total;
            double n2 = (0.99 + 1e-5) / (total + 3e-5) * total;
            float[] expected = {0f, (float) (0.002 / n0), (float) (1.02 / n0), (float) (1.02 / n0),
                    (float) (4.95 / n2), (float) (4.95 / n2)};
            assertArrayEquals(expected, q.codebook().getArray().toFloatArray(), 1e-6f);
            // z_q was taken from the codebook before the update
            assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1}, out.get(2).toFloatArray());
        }
    }

    @Test
    void unusedCodeIsRestartedFromAnEncoderOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            EngineSetup.seedBatch(7);
            float[][] book = {{0, 0}, {1, 1}, {2, 2}, {100, 100}};
            VectorQuantizer q = quantizer(m, book, false, 2);
            float[][] vectors = {{0.1f, 0f}, {1.1f, 0.9f}, {2f, 2.1f}, {0.9f, 1f}};
            NDArray ze = grid(m, vectors);
            q.forward(new ParameterStore(m, false), new NDList(ze), true);
            assertArrayEquals(new float[] {0, 0, 0, 1}, q.unusedSteps().getArray().toFloatArray());
            assertArrayEquals(new float[] {100, 100}, q.codebook().getArray().get(3).toFloatArray());
            q.forward(new ParameterStore(m, false), new NDList(ze), true);
            float[] restarted = q.codebook().getArray().get(3).toFloatArray();
            boolean fromBatch = false;
            for (float[] v : vectors) {
                fromBatch |= v[0] == restarted[0] && v[1] == restarted[1];
            }
            assertTrue(fromBatch, "code 3 should be one of the batch's encoder outputs");
            assertEquals(0f, q.unusedSteps().getArray().getFloat(3));
            assertArrayEquals(new float[] {0, 0}, q.codebook().getArray().get(0).toFloatArray());
            // inference does not touch the state
            float[] before = q.codebook().getArray().toFloatArray();
            q.forward(new ParameterStore(m, false), new NDList(grid(m, new float[][] {{9, 9}, {9, 9}, {9, 9}, {9, 9}})), false);
            assertArrayEquals(before, q.codebook().getArray().toFloatArray());
        }
    }

    @Test
    void nearestIsTheBruteForceNearestCode() {
        Random r = new Random(3);
        int mRows = 200;
        int k = 37;
        int d = 5;
        float[] z = new float[mRows * d];
        float[] e = new float[k * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            long[] got = VectorQuantizer.nearest(m.create(z, new Shape(mRows, d)), m.create(e, new Shape(k, d))).toLongArray();
            for (int i = 0; i < mRows; i++) {
                int best = 0;
                double bestD = Double.MAX_VALUE;
                for (int c = 0; c < k; c++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = z[i * d + j] - e[c * d + j];
                        s += diff * diff;
                    }
                    if (s < bestD) {
                        bestD = s;
                        best = c;
                    }
                }
                assertEquals(best, got[i], "row " + i);
            }
        }
    }

    @Test
    void perplexityOfCodeUsage() {
        CodeUsage uniform = CodeUsage.of(new long[] {5, 5, 5, 5});
        assertEquals(4.0, uniform.perplexity(), 1e-12);
        assertEquals(4, uniform.codesUsed());
        CodeUsage one = CodeUsage.of(new long[] {0, 9, 0, 0});
        assertEquals(1.0, one.perplexity(), 1e-12);
        assertEquals(1, one.codesUsed());
        // p = (1/2, 1/4, 1/4): H = 1.5 ln 2
        assertEquals(Math.exp(1.5 * Math.log(2)), CodeUsage.of(CodeUsage.count(new long[] {0, 0, 1, 2}, 3)).perplexity(), 1e-12);
    }
}
