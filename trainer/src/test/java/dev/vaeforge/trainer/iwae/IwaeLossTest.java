package dev.vaeforge.trainer.iwae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.train.TinyShapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IWAE-K loss against a hand computation for two one-pixel-pair images and K = 3 fixed draws; K = 1
 * against the single-sample negative ELBO; DReG's surrogate against IWAE's encoder gradient.
 */
class IwaeLossTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    // two images of 1x1x2 pixels, latent dimension 1
    private static final float[] X = {1f, 0f, 0.25f, 0.75f};
    private static final float[] MU = {0.3f, -0.2f};
    private static final float[] LOGVAR = {-0.5f, 0.2f};
    // K = 3 draws, rows k*N + i
    private static final float[] EPS = {0.5f, -1.0f, 1.5f, 0.1f, -0.7f, 0.9f};
    private static final float[] LOGITS = {0.2f, -0.4f, 1.1f, 0.3f, -0.6f, 0.8f, 0.0f, 0.5f, 0.9f, -1.2f, 0.4f, 0.4f};

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    @Test
    void matchesAHandComputationForTwoImagesAndThreeDraws() {
        IwaeConfig c = config(3, "iwae");
        try (NDManager m = NDManager.newBaseManager()) {
            LossTerms t = new IwaeLoss(c).compute(m.create(X, new Shape(2, 1, 1, 2)), outputs(m, 3));
            double[] bound = new double[2];
            double elbo = 0;
            double ess = 0;
            for (int i = 0; i < 2; i++) {
                double[] logW = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 3; k++) {
                    int row = k * 2 + i;
                    double z = z(i, k);
                    double logPx = 0;
                    for (int p = 0; p < 2; p++) {
                        double l = LOGITS[row * 2 + p];
                        double x = X[i * 2 + p];
                        logPx += x * l - Math.log1p(Math.exp(l)); // Bernoulli: x log s(l) + (1-x) log(1-s(l))
                    }
                    double logPz = -0.5 * (z * z + LOG_2PI);
                    double logQ = -0.5 * (EPS[row] * EPS[row] + LOGVAR[i] + LOG_2PI);
                    logW[k] = logPx + logPz - logQ;
                    max = Math.max(max, logW[k]);
                    elbo += logW[k] / 6;
                }
                double sum = 0;
                for (double w : logW) {
                    sum += Math.exp(w - max);
                }
                bound[i] = max + Math.log(sum / 3);
                double sq = 0;
                for (double w : logW) {
                    double wn = Math.exp(w - max) / sum;
                    sq += wn * wn;
                }
                ess += 1 / sq / 2;
            }
            double loss = -(bound[0] + bound[1]) / 2;
            assertEquals(loss, t.total().getFloat(), 1e-5);
            assertEquals(-loss, t.term(IwaeLoss.BOUND).getFloat(), 1e-5);
            assertEquals(elbo, t.term(IwaeLoss.ELBO).getFloat(), 1e-5);
            assertEquals(ess, t.term(IwaeLoss.ESS).getFloat(), 1e-5);
            assertTrue(t.term(IwaeLoss.BOUND).getFloat() >= t.term(IwaeLoss.ELBO).getFloat(), "the bound is above the ELBO");
            double kl = 0;
            for (int i = 0; i < 2; i++) {
                kl += 0.5 * (MU[i] * MU[i] + Math.exp(LOGVAR[i]) - LOGVAR[i] - 1) / 2;
            }
            assertEquals(kl, t.term(LossTerms.KL).getFloat(), 1e-6, "the closed-form KL, as the VAE logs it");
            assertTrue(t.networks().isEmpty());
        }
    }

    @Test
    void oneSampleIsTheSingleSampleNegativeElboOfTheSameDraw() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossTerms t = new IwaeLoss(config(1, "iwae")).compute(m.create(X, new Shape(2, 1, 1, 2)), outputs(m, 1));
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double z = z(i, 0);
                double recon = 0;
                for (int p = 0; p < 2; p++) {
                    double l = LOGITS[i * 2 + p];
                    recon += Math.log1p(Math.exp(l)) - X[i * 2 + p] * l;
                }
                double mcKl = -0.5 * (EPS[i] * EPS[i] + LOGVAR[i] + LOG_2PI) + 0.5 * (z * z + LOG_2PI);
                expected += (recon + mcKl) / 2;
            }
            assertEquals(expected, t.total().getFloat(), 1e-5);
            assertEquals(t.term(IwaeLoss.BOUND).getFloat(), t.term(IwaeLoss.ELBO).getFloat(), 1e-6);
            assertEquals(1.0, t.term(IwaeLoss.ESS).getFloat(), 1e-6);
        }
    }

    @Test
    void dregChangesTheEncodersGradientAndKeepsTheDecodersLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] iwae = encoderGradient(m, "iwae");
            float[] dreg = encoderGradient(m, "dreg");
            assertNotEquals(iwae[0], dreg[0], "DReG's encoder gradient differs from the bound's own");
            LossTerms t = new IwaeLoss(config(3, "dreg")).compute(m.create(X, new Shape(2, 1, 1, 2)), outputs(m, 3));
            assertEquals(List.of("encoder", "decoder"), List.copyOf(t.networks().keySet()));
            assertEquals(t.total().getFloat(), t.networks().get("decoder").getFloat(), 0f);
        }
    }

    @Test
    void samplesOutOfRangeAndAStepTooLargeForTheMachineAreRefusedByName() {
        var family = FamilyRegistry.get("iwae");
        Architecture a = TinyShapes.ARCH;
        VaeforgeException zero = org.junit.jupiter.api.Assertions.assertThrows(VaeforgeException.class, () -> family
                .configure(a, new ParameterValues(Map.of("iw-samples", 0)), new FamilyContext(TinyShapes.dataset(8, 1), 1, 4)));
        assertEquals("iw-samples must be in 1..5000, got 0", zero.getMessage());
        assertEquals(List.of("iw-samples"), zero.parameters());
        Architecture big = new Architecture(3, 256, 64, List.of(512, 512, 512, 512), Likelihood.BERNOULLI, 0);
        VaeforgeException huge = org.junit.jupiter.api.Assertions.assertThrows(VaeforgeException.class, () -> family
                .configure(big, new ParameterValues(Map.of("iw-samples", 5000)), new FamilyContext(TinyShapes.dataset(8, 1), 1,
                        4096)));
        assertTrue(huge.getMessage().startsWith("iw-samples 5000 with batch-size 4096 puts 20480000 images through the "
                + "decoder per step: about "), huge.getMessage());
        assertEquals(List.of("iw-samples", "batch-size"), huge.parameters());
    }

    private static float[] encoderGradient(NDManager m, String estimator) {
        NDArray mu = m.create(MU, new Shape(2, 1));
        mu.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logvar = m.create(LOGVAR, new Shape(2, 1));
            NDArray eps = m.create(EPS, new Shape(6, 1));
            NDArray z = mu.tile(new long[] {3, 1}).add(logvar.mul(0.5f).exp().tile(new long[] {3, 1}).mul(eps));
            // a decoder whose logits depend on z, so the gradient reaches mu through the reconstruction
            NDArray logits = m.create(LOGITS, new Shape(6, 1, 1, 2)).add(z.reshape(6, 1, 1, 1));
            LossTerms t = new IwaeLoss(config(3, estimator)).compute(m.create(X, new Shape(2, 1, 1, 2)),
                    new NDList(logits, mu, logvar, z, eps));
            gc.backward(t.networks().isEmpty() ? t.total() : t.networks().get("encoder"));
        }
        return mu.getGradient().toFloatArray();
    }

    private static NDList outputs(NDManager m, int k) {
        float[] z = new float[k * 2];
        for (int kk = 0; kk < k; kk++) {
            for (int i = 0; i < 2; i++) {
                z[kk * 2 + i] = (float) z(i, kk);
            }
        }
        float[] eps = java.util.Arrays.copyOf(EPS, k * 2);
        float[] logits = java.util.Arrays.copyOf(LOGITS, k * 4);
        return new NDList(m.create(logits, new Shape(k * 2, 1, 1, 2)), m.create(MU, new Shape(2, 1)),
                m.create(LOGVAR, new Shape(2, 1)), m.create(z, new Shape(k * 2, 1)), m.create(eps, new Shape(k * 2, 1)));
    }

    private static double z(int i, int k) {
        return MU[i] + Math.exp(0.5 * LOGVAR[i]) * EPS[k * 2 + i];
    }

    private static IwaeConfig config(int k, String estimator) {
        return new IwaeConfig(new Architecture(1, 2, 1, List.of(1), Likelihood.BERNOULLI, 0), k, estimator);
    }
}
