package dev.vaeforge.trainer.prior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The RealNVP prior's numerics: identity at its zero initialisation, log|det| against a finite-difference
 * Jacobian, the inverse, and a density that integrates to 1 (2-D grid).
 */
class CouplingFlowTest {
    /** A flow initialised as training would, then its zero heads moved off zero so the layers do something. */
    static CouplingFlow randomFlow(NDManager m, int dim, int steps, int hidden, long seed) {
        CouplingFlow f = new CouplingFlow(dim, steps, hidden);
        f.setInitializer(new NormalInitializer(0.6f), Parameter.Type.WEIGHT);
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        f.initialize(m, DataType.FLOAT32, new Shape(1, dim));
        for (Pair<String, Parameter> p : f.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.addi(m.randomNormal(0f, 0.5f, a.getShape(), DataType.FLOAT32));
        }
        return f;
    }

    private static float[] forward(CouplingFlow f, NDManager m, double[] z, int dim) {
        float[] zf = new float[dim];
        for (int d = 0; d < dim; d++) {
            zf[d] = (float) z[d];
        }
        return f.forward(new ParameterStore(m, false), new NDList(m.create(zf, new Shape(1, dim))), false).get(0)
                .toFloatArray();
    }

    @Test
    void aFreshFlowIsTheIdentityAndItsDensityTheStandardNormal() {
        try (NDManager m = NDManager.newBaseManager()) {
            CouplingFlow f = new CouplingFlow(5, 3, 8);
            f.setInitializer(new NormalInitializer(1f), Parameter.Type.WEIGHT);
            f.initialize(m, DataType.FLOAT32, new Shape(1, 5));
            NDArray z = m.randomNormal(new Shape(6, 5));
            NDList out = f.forward(new ParameterStore(m, false), new NDList(z), false);
            assertEquals(0, out.get(0).sub(z).abs().max().getFloat(), 0, "f(z) = z");
            assertEquals(0, out.get(1).abs().max().getFloat(), 0, "log|det| = 0");
            float[] logp = f.logDensityPerDimension(new ParameterStore(m, false), z, false, null).sum(new int[] {1})
                    .toFloatArray();
            float[] zs = z.toFloatArray();
            for (int i = 0; i < 6; i++) {
                double expected = 0;
                for (int d = 0; d < 5; d++) {
                    expected += -0.5 * (zs[i * 5 + d] * zs[i * 5 + d] + Math.log(2 * Math.PI));
                }
                assertEquals(expected, logp[i], 1e-4, "row " + i);
            }
            assertTrue(f.parameterNorm() > 0, "the hidden layers are initialised");
        }
    }

    @Test
    void logDetIsTheLogOfTheFiniteDifferenceJacobiansDeterminant() {
        int dim = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            CouplingFlow f = randomFlow(m, dim, 3, 6, 11);
            Random r = new Random(3);
            for (int trial = 0; trial < 3; trial++) {
                double[] z = new double[dim];
                for (int d = 0; d < dim; d++) {
                    z[d] = r.nextGaussian();
                }
                double h = 1e-2;
                double[][] jac = new double[dim][dim];
                for (int j = 0; j < dim; j++) {
                    double[] plus = z.clone();
                    double[] minus = z.clone();
                    plus[j] += h;
                    minus[j] -= h;
                    float[] fp = forward(f, m, plus, dim);
                    float[] fm = forward(f, m, minus, dim);
                    for (int i = 0; i < dim; i++) {
                        jac[i][j] = (fp[i] - fm[i]) / (2 * h);
                    }
                }
                float[] zf = new float[dim];
                for (int d = 0; d < dim; d++) {
                    zf[d] = (float) z[d];
                }
                NDList out = f.forward(new ParameterStore(m, false), new NDList(m.create(zf, new Shape(1, dim))), false);
                double logdet = out.get(1).sum().getFloat();
                assertTrue(Math.abs(logdet) > 0.05, "the layers scale: log|det| = " + logdet);
                assertEquals(Math.log(Math.abs(determinant(jac))), logdet, 2e-3, "trial " + trial);
            }
        }
    }

    @Test
    void theInverseUndoesTheFlow() {
        try (NDManager m = NDManager.newBaseManager()) {
            CouplingFlow f = randomFlow(m, 5, 4, 8, 5);
            NDArray z = m.randomNormal(new Shape(7, 5));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = f.forward(ps, new NDList(z), false).get(0);
            assertTrue(y.sub(z).abs().max().getFloat() > 0.1f, "the flow moves z");
            NDArray back = f.inverse().forward(ps, new NDList(y), false).singletonOrThrow();
            assertEquals(0, back.sub(z).abs().max().getFloat(), 1e-4);
        }
    }

    @Test
    void theDensityIntegratesToOneOverThePlane() {
        try (NDManager m = NDManager.newBaseManager()) {
            CouplingFlow f = randomFlow(m, 2, 4, 8, 21);
            // midpoint rule on [-9, 9]^2: the flow moves each dimension by at most e^4 in scale, and the
            // shifts are small, so the mass outside is negligible
            int n = 600;
            double lo = -9;
            double step = 18.0 / n;
            float[] grid = new float[n * n * 2];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    grid[(i * n + j) * 2] = (float) (lo + (i + 0.5) * step);
                    grid[(i * n + j) * 2 + 1] = (float) (lo + (j + 0.5) * step);
                }
            }
            NDArray logp = f.logDensityPerDimension(new ParameterStore(m, false), m.create(grid, new Shape(n * n, 2)),
                    false, null).sum(new int[] {1});
            double mass = logp.toType(DataType.FLOAT64, false).exp().sum().getDouble() * step * step;
            assertEquals(1.0, mass, 5e-3);
            // and it is not the standard normal's: the density differs somewhere
            NDArray gauss = m.create(grid, new Shape(n * n, 2)).square().sum(new int[] {1}).mul(-0.5f)
                    .sub((float) Math.log(2 * Math.PI));
            assertTrue(logp.sub(gauss).abs().max().getFloat() > 0.1f, "the flow changed the density");
        }
    }

    private static double determinant(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
        }
        double det = 1;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (p != c) {
                double[] t = m[p];
                m[p] = m[c];
                m[c] = t;
                det = -det;
            }
            det *= m[c][c];
            for (int r = c + 1; r < n; r++) {
                double k = m[r][c] / m[c][c];
                for (int j = c; j < n; j++) {
                    m[r][j] -= k * m[c][j];
                }
            }
        }
        return det;
    }
}
