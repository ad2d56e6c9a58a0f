package dev.vaeforge.trainer.vaegan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The VAE-GAN losses on a hand-computed case, softplus at extremes, and the equilibrium rule's four cases. */
class VaeGanLossTest {
    private static final Set<String> ALL = Set.of("encoder", "decoder", "discriminator");

    private static double softplus(double l) {
        return Math.log1p(Math.exp(l));
    }

    @Test
    void handComputedLosses() {
        double gamma = 0.3;
        VaeGanConfig c = new VaeGanConfig(new Architecture(1, 2, 1, List.of(1), Likelihood.BERNOULLI, 0), null, null, gamma, null, null,
                null);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 1, 1, 0}, new Shape(1, 1, 2, 2));
            NDArray logits = m.create(new float[] {-1, 2, 0.5f, 0}, new Shape(1, 1, 2, 2));
            NDList out = new NDList(logits, m.create(new float[] {0.5f}, new Shape(1, 1)),
                    m.create(new float[] {0f}, new Shape(1, 1)),
                    m.create(new float[] {2, -1, 0.5f}, new Shape(3, 1)),
                    // features of x, of its reconstruction and of the prior sample, [3, 1, 1, 2]
                    m.create(new float[] {1, 2, 0, 2, 5, 5}, new Shape(3, 1, 1, 2)),
                    // the discriminator's logits from its pass on detached images: equal to output 3 in a
                    // real step; different here, so the test pins which loss reads which
                    m.create(new float[] {1, -2, 0.25f}, new Shape(3, 1)));
            LossTerms t = new VaeGanLoss(c).compute(x, out);
            double kl = 0.5 * (0.25 + 1 - 0 - 1);
            double llike = 0.5 * (1 * 1 + 0);
            double real = softplus(-1);
            double fakeRec = softplus(-2);
            double fakePrior = softplus(0.25);
            double gen = softplus(1) + softplus(-0.5);
            assertEquals(kl + llike, t.total().getFloat(), 1e-6);
            assertEquals(llike, t.term(LossTerms.RECONSTRUCTION).getFloat(), 1e-6);
            assertEquals(kl, t.term(LossTerms.KL).getFloat(), 1e-6);
            assertEquals(kl + llike, t.networks().get("encoder").getFloat(), 1e-6);
            assertEquals(gamma * llike + gen, t.networks().get("decoder").getFloat(), 1e-6);
            assertEquals(real + fakeRec + fakePrior, t.networks().get("discriminator").getFloat(), 1e-6);
            assertEquals(List.of("encoder", "decoder", "discriminator"), List.copyOf(t.networks().keySet()));
            assertEquals(real, t.term("discReal").getFloat(), 1e-6);
            assertEquals((fakeRec + fakePrior) / 2, t.term("discFake").getFloat(), 1e-6);
            assertEquals(gen, t.term("genLoss").getFloat(), 1e-6);
            // Bernoulli -log p(x | logits) summed over the 4 pixels
            double[] l = {-1, 2, 0.5, 0};
            double[] px = {0, 1, 1, 0};
            double bce = 0;
            for (int i = 0; i < 4; i++) {
                bce += softplus(l[i]) - l[i] * px[i];
            }
            assertEquals(bce, t.term("pixelRecon").getFloat(), 1e-5);
        }
    }

    @Test
    void softplusDoesNotOverflow() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = VaeGanLoss.softplus(m.create(new float[] {-200, -20, 0, 20, 200})).toFloatArray();
            assertEquals(0, v[0], 1e-30);
            assertEquals(softplus(-20), v[1], 1e-15);
            assertEquals(Math.log(2), v[2], 1e-7);
            assertEquals(20, v[3], 1e-5);
            assertEquals(200, v[4], 1e-4);
        }
    }

    @Test
    void equilibriumRule() {
        double eq = 0.68;
        double mg = 0.35;
        // both within the band: everything trains
        assertEquals(ALL, VaeGanLoss.decide(ALL, 0.7, 0.6, eq, mg));
        // the discriminator wins (a loss below 0.33): it pauses
        assertEquals(Set.of("encoder", "decoder"), VaeGanLoss.decide(ALL, 0.2, 0.6, eq, mg));
        assertEquals(Set.of("encoder", "decoder"), VaeGanLoss.decide(ALL, 0.6, 0.3, eq, mg));
        // it loses (a loss above 1.03): the decoder pauses
        assertEquals(Set.of("encoder", "discriminator"), VaeGanLoss.decide(ALL, 1.2, 0.6, eq, mg));
        // both would pause (one loss very low, the other very high): both train
        assertEquals(ALL, VaeGanLoss.decide(ALL, 0.1, 2.0, eq, mg));
        VaeGanConfig off = new VaeGanConfig(new Architecture(1, 2, 1, List.of(1), null, 0), null, null, null, false, null, null);
        assertEquals(ALL, new VaeGanLoss(off).networksToUpdate(ALL, Map.of("discReal", 0.01f, "discFake", 0.01f)));
        VaeGanConfig on = new VaeGanConfig(new Architecture(1, 2, 1, List.of(1), null, 0), null, null, null, null, null, null);
        assertTrue(!new VaeGanLoss(on).networksToUpdate(ALL, Map.of("discReal", 0.01f, "discFake", 0.5f))
                .contains("discriminator"));
    }
}
