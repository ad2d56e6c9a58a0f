package dev.vaeforge.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The native upsampling against the definition: values copied into factor x factor blocks, gradients summed over them. */
class UpsampleNearestTest {
    @ParameterizedTest
    @CsvSource({"2, 2, 3, 4, 5", "3, 1, 2, 3, 3", "2, 1, 1, 1, 1"})
    void copiesBlocksAndSumsTheirGradients(int f, int n, int c, int h, int w) {
        Random r = new Random(7);
        float[] xv = new float[n * c * h * w];
        float[] gv = new float[n * c * h * f * w * f];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < gv.length; i++) {
            gv[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xv, new Shape(n, c, h, w));
            NDArray weights = m.create(gv, new Shape(n, c, h * f, w * f));
            x.setRequiresGradient(true);
            UpsampleNearest up = new UpsampleNearest(f);
            up.initialize(m, DataType.FLOAT32, x.getShape());
            float[] y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = up.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                assertEquals(up.getOutputShapes(new Shape[] {x.getShape()})[0], out.getShape());
                y = out.toFloatArray();
                gc.backward(out.mul(weights).sum());
            }
            float[] g = x.getGradient().toFloatArray();
            float[] wantY = new float[gv.length];
            float[] wantG = new float[xv.length];
            int oh = h * f;
            int ow = w * f;
            for (int p = 0; p < n * c; p++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int src = p * h * w + (i / f) * w + j / f;
                        int dst = p * oh * ow + i * ow + j;
                        wantY[dst] = xv[src];
                        wantG[src] += gv[dst];
                    }
                }
            }
            assertArrayEquals(wantY, y, "forward values are copies, bit for bit");
            assertArrayEquals(wantG, g, 1e-5f);
        }
    }
}
