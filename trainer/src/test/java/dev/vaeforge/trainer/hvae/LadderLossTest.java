package dev.vaeforge.trainer.hvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hierarchy's negative ELBO against a hand computation, its free bits and warm-up, and its parameters. */
class LadderLossTest {
    private static final Architecture ARCH = new Architecture(1, 2, 1, List.of(1), Likelihood.BERNOULLI, 0);

    /**
     * One image of two pixels x = (1, 0) with logits (0, ln 3); D1 = D2 = 1:
     * recon = softplus(0) + softplus(ln 3) = ln 2 + ln 4 = ln 8;
     * KL1 = KL(N(1, 1) || N(0, 2)) = 1/2 (ln 2 - 0 + (1 + 1) / 2 - 1) = ln 2 / 2;
     * KL2 = KL(N(0.5, 0.5) || N(0, 1)) = 1/2 (0.25 + 0.5 - ln 0.5 - 1) = 1/2 (ln 2 - 0.25).
     */
    @Test
    void negativeElboIsReconstructionPlusBothLevelsKl() {
        double recon = Math.log(8);
        double kl1 = Math.log(2) / 2;
        double kl2 = 0.5 * (Math.log(2) - 0.25);
        HvaeConfig c = new HvaeConfig(ARCH, List.of(1, 1), null, null);
        try (NDManager m = NDManager.newBaseManager()) {
            LossTerms t = new LadderLoss(c, 1).compute(m.create(new float[] {1, 0}, new Shape(1, 1, 1, 2)), outputs(m));
            assertEquals(recon + kl1 + kl2, t.total().getFloat(), 1e-5);
            assertEquals(recon, t.term(LossTerms.RECONSTRUCTION).getFloat(), 1e-5);
            assertEquals(kl1 + kl2, t.term(LossTerms.KL).getFloat(), 1e-5);
            assertEquals(kl1, t.term(LadderLoss.KL1).getFloat(), 1e-6);
            assertEquals(kl2, t.term(LadderLoss.KL2).getFloat(), 1e-6);
            assertArrayEquals(new float[] {(float) kl1, (float) kl2}, t.tensor(LossTerms.KL_PER_DIM).toFloatArray(), 1e-6f);

            // free bits (1 on level 1, 0.1 on level 2) and a warm-up weight of 0.5:
            // recon + 0.5 (max(1, KL1) + max(0.1, KL2)); the logged KL stays the true one
            HvaeConfig fb = new HvaeConfig(ARCH, List.of(1, 1), List.of(1.0, 0.1), Span.ofSteps(4));
            LadderLoss loss = (LadderLoss) new LadderLoss(fb, 1).atStep(2, 10);
            assertEquals(0.5, loss.weight(), 0);
            LossTerms f = loss.compute(m.create(new float[] {1, 0}, new Shape(1, 1, 1, 2)), outputs(m));
            assertEquals(recon + 0.5 * (1 + kl2), f.total().getFloat(), 1e-5);
            assertEquals(kl1 + kl2, f.term(LossTerms.KL).getFloat(), 1e-5);
            assertEquals(Map.of("beta", 0.5), loss.scheduleValues());
            assertEquals(1.0, ((LadderLoss) loss.atEnd()).weight(), 0, "held-out data is scored at weight 1");
            assertEquals(1.0, ((LadderLoss) loss.atStep(4, 10)).weight(), 0);
        }
    }

    /** [logits, mu1, logvar1, mu2, logvar2, priorMu1, priorLogvar1] of the hand-computed case. */
    private static NDList outputs(NDManager m) {
        return new NDList(m.create(new float[] {0, (float) Math.log(3)}, new Shape(1, 1, 1, 2)),
                m.create(new float[] {1}, new Shape(1, 1)), m.create(new float[] {0}, new Shape(1, 1)),
                m.create(new float[] {0.5f}, new Shape(1, 1)), m.create(new float[] {(float) Math.log(0.5)}, new Shape(1, 1)),
                m.create(new float[] {0}, new Shape(1, 1)), m.create(new float[] {(float) Math.log(2)}, new Shape(1, 1)));
    }

    @Test
    void parametersAreCheckedNamingTheValueAndWhatIsAllowed() {
        HvaeFamily f = new HvaeFamily();
        assertEquals("levels must be 2 (the depth hvae builds), got 3", bad(f, Map.of("levels", 3)));
        assertEquals("latent-dims must list 2 sizes, one per level (bottom first, e.g. 16,8), got 3: 16,8,4",
                bad(f, Map.of("latent-dims", List.of(16, 8, 4))));
        assertEquals("latent-dims: each size must be an integer in 1..4096, got 8,-1", bad(f, Map.of("latent-dims", List.of(8, -1))));
        assertEquals("level-free-bits takes one value or 2 (one per level, bottom first), got 3: 1,2,3",
                bad(f, Map.of("level-free-bits", List.of("1", "2", "3"))));
        assertEquals("level-free-bits: each value must be a number >= 0 (nats per latent dimension), got 'x'",
                bad(f, Map.of("level-free-bits", List.of("x"))));
        assertTrue(bad(f, Map.of("kl-warmup", "soon")).startsWith("kl-warmup: "));

        FamilyContext ctx = new FamilyContext(null, 3, 16);
        HvaeConfig d = f.configure(ARCH.withLatentDim(10), ParameterValues.none(), ctx);
        assertEquals(List.of(10, 5), d.latentDims(), "defaults: latent-dim and half of it");
        assertEquals(List.of(0.0, 0.0), d.freeBits());
        assertEquals(null, d.warmup());
        HvaeConfig g = f.configure(ARCH, new ParameterValues(Map.of("latent-dims", List.of(16, 8), "level-free-bits",
                List.of("0.25"), "kl-warmup", "2epochs")), ctx);
        assertEquals(16, g.architecture().latentDim(), "the decoder's latent is level 1's");
        assertEquals(List.of(0.25, 0.25), g.freeBits(), "one value applies to both levels");
        assertEquals(0.5, g.klWeightAt(10, 10), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new HvaeConfig(ARCH, List.of(4), null, null));
    }

    @Test
    void configRoundTripsThroughConfigJson() throws Exception {
        HvaeConfig c = new HvaeConfig(ARCH.withLatentDim(6), List.of(6, 3), List.of(0.0, 0.5), Span.ofEpochs(2));
        var json = dev.vaeforge.runtime.Json.writeLine(c);
        assertTrue(json.contains("\"family\":\"hvae\"") && json.contains("\"latentDims\":[6,3]"), json);
        assertEquals(c, dev.vaeforge.runtime.Json.mapper().readValue(json, dev.vaeforge.trainer.family.ModelConfig.class));
    }

    private static String bad(HvaeFamily f, Map<String, Object> values) {
        return assertThrows(VaeforgeException.class, () -> f.check(new ParameterValues(values))).getMessage();
    }
}
