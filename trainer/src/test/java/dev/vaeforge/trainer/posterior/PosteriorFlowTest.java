package dev.vaeforge.trainer.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.vaeforge.runtime.VaeforgeException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each flow's log-determinant against the log |det| of a central finite-difference Jacobian (float64, LU
 * in Java), and the identity at zero parameters.
 */
class PosteriorFlowTest {
    private static final int N = 3;
    private static final int D = 4;
    private static final double H = 1e-5;

    private static double[] random(Random r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = scale * r.nextGaussian();
        }
        return a;
    }

    private static NDList run(PosteriorFlow f, NDManager m, double[] z, double[] c) {
        NDArray zz = m.create(z, new Shape(N, D));
        NDArray cc = m.create(c, new Shape(N, f.contextDim()));
        return f.forward(new ParameterStore(m, false), new NDList(zz, cc), false);
    }

    private static PosteriorFlow initialised(PosteriorFlow f, NDManager m) {
        f.initialize(m, DataType.FLOAT64, new Shape(N, D), new Shape(N, f.contextDim()));
        return f;
    }

    /** log |det J| of row i of z -> f(z) by central differences. */
    private static double[] finiteDifferenceLogDet(PosteriorFlow f, NDManager m, double[] z, double[] c) {
        double[][][] jac = new double[N][D][D];
        for (int j = 0; j < D; j++) {
            double[] plus = z.clone();
            double[] minus = z.clone();
            for (int i = 0; i < N; i++) {
                plus[i * D + j] += H;
                minus[i * D + j] -= H;
            }
            double[] fp = run(f, m, plus, c).get(0).toDoubleArray();
            double[] fm = run(f, m, minus, c).get(0).toDoubleArray();
            for (int i = 0; i < N; i++) {
                for (int o = 0; o < D; o++) {
                    jac[i][o][j] = (fp[i * D + o] - fm[i * D + o]) / (2 * H);
                }
            }
        }
        double[] out = new double[N];
        for (int i = 0; i < N; i++) {
            out[i] = logAbsDet(jac[i]);
        }
        return out;
    }

    /** log |det a| by Gaussian elimination with partial pivoting. */
    static double logAbsDet(double[][] a0) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double log = 0;
        for (int col = 0; col < n; col++) {
            int p = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[p][col])) {
                    p = r;
                }
            }
            double[] t = a[p];
            a[p] = a[col];
            a[col] = t;
            log += Math.log(Math.abs(a[col][col]));
            for (int r = col + 1; r < n; r++) {
                double factor = a[r][col] / a[col][col];
                for (int k = col; k < n; k++) {
                    a[r][k] -= factor * a[col][k];
                }
            }
        }
        return log;
    }

    private static void assertLogDetMatchesJacobian(PosteriorFlow f, NDManager m, double[] z, double[] c) {
        double[] logDet = run(f, m, z, c).get(1).toDoubleArray();
        double[] fd = finiteDifferenceLogDet(f, m, z, c);
        for (int i = 0; i < N; i++) {
            // central differences are O(H^2) accurate; a ReLU kink within H of a row would show as a miss here
            assertEquals(fd[i], logDet[i], 1e-6 * Math.max(1, Math.abs(fd[i])), "image " + i);
        }
        assertTrue(Math.abs(logDet[0]) > 1e-3, "the test is only worth something on a flow that is not volume-preserving");
    }

    @Test
    void planarLogDetIsTheJacobians() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            PosteriorFlow f = initialised(new PlanarFlow(D, 3), m);
            double[] c = random(r, N * f.contextDim(), 1.0);
            // step 0 of image 0 with u pointing against w (w'u << -1): only the constraint on u keeps it invertible
            for (int d = 0; d < D; d++) {
                c[d] = -2.0 * c[D + d];
            }
            assertLogDetMatchesJacobian(f, m, random(r, N * D, 1.0), c);
        }
    }

    @Test
    void iafLogDetIsTheJacobians() {
        Random r = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            InverseAutoregressiveFlow f = (InverseAutoregressiveFlow) initialised(new InverseAutoregressiveFlow(D, 2), m);
            // seeded parameters (biases too) replacing the engine's unseeded initialisation, so the test does
            // not depend on what ran before it; far from the identity, not so far that |det| underflows
            for (Pair<String, Parameter> p : f.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.muli(0).addi(m.create(random(r, (int) a.size(), 0.4), a.getShape()));
            }
            assertLogDetMatchesJacobian(f, m, random(r, N * D, 1.0), random(r, N * f.contextDim(), 1.0));
        }
    }

    @Test
    void iafIsAutoregressive() {
        // output d of a step depends on z_{<d} only (in the step's order): the Jacobian is triangular
        for (boolean reversed : new boolean[] {false, true}) {
            float[][] mk = InverseAutoregressiveFlow.masks(D, 8, reversed);
            for (int d = 0; d < D; d++) {
                int deg = reversed ? D - d : d + 1;
                for (int i = 0; i < D; i++) {
                    int degIn = reversed ? D - i : i + 1;
                    double path = 0;
                    for (int j = 0; j < 8; j++) {
                        path += mk[1][d * 8 + j] * mk[0][j * D + i];
                    }
                    if (degIn >= deg) {
                        assertEquals(0, path, "output " + d + " must not see input " + i);
                    }
                }
            }
        }
    }

    @Test
    void zeroParametersAreTheIdentity() {
        Random r = new Random(9);
        try (NDManager m = NDManager.newBaseManager()) {
            for (PosteriorFlow f : new PosteriorFlow[] {new PlanarFlow(D, 3), new InverseAutoregressiveFlow(D, 3)}) {
                initialised(f, m);
                for (Pair<String, Parameter> p : f.getParameters()) {
                    p.getValue().getArray().muli(0);
                }
                double[] z = random(r, N * D, 1.5);
                NDList out = run(f, m, z, new double[N * f.contextDim()]);
                double[] zK = out.get(0).toDoubleArray();
                for (int i = 0; i < z.length; i++) {
                    assertEquals(z[i], zK[i], 1e-12, f.getClass().getSimpleName());
                }
                for (double ld : out.get(1).toDoubleArray()) {
                    assertEquals(0, ld, 1e-12, f.getClass().getSimpleName());
                }
            }
        }
    }

    @Test
    void badSpecsNameTheValueAndWhatIsAllowed() {
        VaeforgeException steps = assertThrows(VaeforgeException.class, () -> PosteriorSpec.of("iaf", 0));
        assertEquals("flow-steps must be in 1..64 for posterior iaf, got 0", steps.getMessage());
        VaeforgeException kind = assertThrows(VaeforgeException.class, () -> PosteriorSpec.of("realnvp", 4));
        assertEquals("posterior: unknown posterior 'realnvp', expected one of gaussian, planar, iaf", kind.getMessage());
        assertEquals(PosteriorSpec.GAUSSIAN, PosteriorSpec.of("gaussian", 0));
        assertEquals(new PosteriorSpec("planar", 2), PosteriorSpec.of(" Planar ", 2));
    }
}
