package dev.vaeforge.trainer.prior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.model.MixturePrior;
import dev.vaeforge.runtime.model.StandardNormalPrior;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer's KL against a learned mixture, checked against the runtime's independent double-precision density. */
class PriorTermsTest {
    private static final int N = 7;
    private static final int K = 4;
    private static final int D = 3;

    private static float[] random(Random r, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (shift + scale * r.nextGaussian());
        }
        return a;
    }

    @Test
    void mixtureKlIsLogQMinusTheRuntimesLogPAtTheDraw() {
        Random r = new Random(4);
        float[] mu = random(r, N * D, 1, 0);
        float[] lv = random(r, N * D, 0.3, -0.5);
        float[] z = random(r, N * D, 1.2, 0);
        float[] pm = random(r, K * D, 1.5, 0);
        float[] pl = random(r, K * D, 0.4, -0.2);
        MixturePrior runtime = new MixturePrior(K, D, pm, pl, null);
        double[] logp = runtime.logDensity(z, N);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList out = new NDList(m.zeros(new Shape(N, 1)), m.create(mu, new Shape(N, D)), m.create(lv, new Shape(N, D)),
                    m.create(z, new Shape(N, D)), m.create(pm, new Shape(K, D)), m.create(pl, new Shape(K, D)));
            PriorTerms.Kl kl = PriorTerms.kl(out);
            float[] perImage = kl.perImage().toFloatArray();
            for (int i = 0; i < N; i++) {
                double logq = 0;
                for (int d = 0; d < D; d++) {
                    int k = i * D + d;
                    double e = (z[k] - mu[k]) / Math.exp(0.5 * lv[k]);
                    logq += -0.5 * (e * e + lv[k] + Math.log(2 * Math.PI));
                }
                assertEquals(logq - logp[i], perImage[i], 2e-4, "image " + i);
            }
            // the per-dimension diagnostic: log q(z_d|x) - log of the prior's 1-D marginal mixture
            float[] perDim = kl.perDimension().toFloatArray();
            int i = 2;
            int d = 1;
            double marginal = 0;
            for (int c = 0; c < K; c++) {
                double v = Math.exp(pl[c * D + d]);
                marginal += Math.exp(-0.5 * Math.pow(z[i * D + d] - pm[c * D + d], 2) / v) / Math.sqrt(2 * Math.PI * v) / K;
            }
            double e = (z[i * D + d] - mu[i * D + d]) / Math.exp(0.5 * lv[i * D + d]);
            double logqd = -0.5 * (e * e + lv[i * D + d] + Math.log(2 * Math.PI));
            assertEquals(logqd - Math.log(marginal), perDim[i * D + d], 2e-4);
        }
    }

    @Test
    void aOneComponentStandardMixtureGivesTheStandardNormalsLogDensity() {
        Random r = new Random(8);
        float[] z = random(r, N * D, 2, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = PriorTerms.componentLogDensities(m.create(z, new Shape(N, D)), m.zeros(new Shape(1, D)),
                    m.zeros(new Shape(1, D)));
            float[] lp = PriorTerms.mixtureLogDensity(c).toFloatArray();
            double[] expected = new StandardNormalPrior(D).logDensity(z, N);
            for (int i = 0; i < N; i++) {
                assertEquals(expected[i], lp[i], 1e-4);
            }
        }
    }

    @Test
    void badSpecsNameTheParameter() {
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> PriorSpec.of("maf", 3));
        assertEquals("prior: unknown prior 'maf', expected one of standard, vamp, flow", e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> PriorSpec.of("flow", 3, 0, 64));
        assertEquals("prior-flow-steps must be in 1..64, got 0", e.getMessage());
        assertEquals(java.util.List.of("prior-flow-steps"), e.parameters());
        e = assertThrows(VaeforgeException.class, () -> PriorSpec.of("flow", 3, 2, 0));
        assertEquals("prior-hidden must be in 1..4096, got 0", e.getMessage());
        assertEquals(java.util.List.of("prior-hidden"), e.parameters());
        PriorSpec flow = PriorSpec.of("flow", 500, 3, 16);
        assertEquals(0, flow.components(), "a flow has no pseudo-inputs");
        assertEquals(0, PriorSpec.of("vamp", 5, 3, 16).flowSteps(), "a VampPrior has no coupling layers");
        e = assertThrows(VaeforgeException.class, () -> PriorSpec.of("vamp", 0));
        assertEquals("prior-components must be in 1..10000, got 0", e.getMessage());
        assertEquals(java.util.List.of("prior-components"), e.parameters());
        assertEquals(0, PriorSpec.of("standard", 500).components(), "the standard normal has no components");
    }
}
