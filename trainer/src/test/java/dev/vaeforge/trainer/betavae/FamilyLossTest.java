package dev.vaeforge.trainer.betavae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.capacityvae.CapacityLoss;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.capacityvae.CapacityVaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The beta-VAE and capacity objectives against hand-computed values. Two 1x1x2 images, D = 2
 * (reconstruction as in VaeLossTest: 2.8200752 and 0.6931472, mean 1.7566112):
 * <pre>
 *   image 0: mu [1, 0], logvar [0, 0]      KL per dim [0.5, 0]          KL 0.5
 *   image 1: mu [0, 2], logvar [ln 2, 0]   KL per dim [0.1534264, 2]    KL 2.1534264
 *   mean KL 1.3267132; batch mean per dim [0.3267132, 1.0]
 * </pre>
 */
class FamilyLossTest {
    static final double RECON = 1.7566112;
    static final double KL = 1.3267132;

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    static BetaVaeConfig beta(double beta, KlSchedule s, double freeBits) {
        return new BetaVaeConfig(new Architecture(1, 2, 2, List.of(1), Likelihood.BERNOULLI, 0), beta, s, freeBits);
    }

    @Test
    void betaWeightsTheKlAndFreeBitsFloorEachDimension() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList out = outputs(m);
            NDArray x = x(m);
            LossTerms t = new BetaVaeLoss(beta(4, null, 0)).compute(x, out);
            assertEquals(RECON + 4 * KL, t.total().getFloat(), 1e-5);
            assertEquals(RECON, t.term(LossTerms.RECONSTRUCTION).getFloat(), 1e-5);
            assertEquals(KL, t.term(LossTerms.KL).getFloat(), 1e-5);
            assertArrayEquals(new float[] {0.3267132f, 1.0f}, t.tensor(LossTerms.KL_PER_DIM).toFloatArray(), 1e-6f);
            // free bits 0.5: sum_d max(0.5, mean KL_d) = 0.5 + 1.0; the logged KL stays the true one
            LossTerms fb = new BetaVaeLoss(beta(4, null, 0.5)).compute(x, out);
            assertEquals(RECON + 4 * 1.5, fb.total().getFloat(), 1e-5);
            assertEquals(KL, fb.term(LossTerms.KL).getFloat(), 1e-5);
        }
    }

    @Test
    void aDimensionBelowTheFreeBitsFloorGetsNoGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList out = outputs(m);
            NDArray mu = out.get(1);
            mu.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(new BetaVaeLoss(beta(1, null, 0.5)).compute(x(m), out).total());
            }
            float[] g = mu.getGradient().toFloatArray();
            // d(total)/d(mu[i][d]) = mu[i][d] / N for a dimension above the floor (d = 1), 0 below it (d = 0)
            assertArrayEquals(new float[] {0, 0, 0, 1}, g, 1e-6f);
        }
    }

    @Test
    void scheduleMovesBetaAndScoringUsesTheTarget() {
        BetaVaeLoss loss = new BetaVaeLoss(beta(4, new KlSchedule.Warmup(0, Span.ofSteps(10)), 0));
        try (NDManager m = NDManager.newBaseManager()) {
            Objective start = loss.atStep(0, 5);
            assertEquals(Map.of("beta", 0.0), start.scheduleValues());
            assertEquals(RECON, start.compute(x(m), outputs(m)).total().getFloat(), 1e-5);
            assertEquals(Map.of("beta", 2.0), loss.atStep(5, 5).scheduleValues());
            assertEquals(RECON + 4 * KL, loss.atEnd().compute(x(m), outputs(m)).total().getFloat(), 1e-5);
        }
    }

    @Test
    void capacityPenalisesTheDistanceOfTheKlFromC() {
        CapacityVaeConfig c = new CapacityVaeConfig(new Architecture(1, 2, 2, List.of(1), Likelihood.BERNOULLI, 0), 1000.0, 2.0,
                Span.ofSteps(20));
        CapacityLoss loss = new CapacityLoss(c);
        try (NDManager m = NDManager.newBaseManager()) {
            Objective half = loss.atStep(10, 1);
            assertEquals(Map.of("capacity", 1.0), half.scheduleValues());
            LossTerms t = half.compute(x(m), outputs(m));
            assertEquals(RECON + 1000 * (KL - 1), t.total().getFloat(), 1e-2);
            assertEquals(KL, t.term(LossTerms.KL).getFloat(), 1e-5);
            // at C_max = 2 the KL is below C: |KL - C| = 2 - KL
            assertEquals(RECON + 1000 * (2 - KL), loss.atEnd().compute(x(m), outputs(m)).total().getFloat(), 1e-2);
            assertEquals(RECON + 1000 * KL, loss.compute(x(m), outputs(m)).total().getFloat(), 1e-2, "C = 0 at step 0");
        }
    }

    private static NDArray x(NDManager m) {
        return m.create(new float[] {1, 0, 0, 0.5f}, new Shape(2, 1, 1, 2));
    }

    private static NDList outputs(NDManager m) {
        NDArray logits = m.create(new float[] {0, 2, -30, 0}, new Shape(2, 1, 1, 2));
        NDArray mu = m.create(new float[] {1, 0, 0, 2}, new Shape(2, 2));
        NDArray logvar = m.create(new float[] {0, 0, (float) Math.log(2), 0}, new Shape(2, 2));
        return new NDList(logits, mu, logvar);
    }
}
