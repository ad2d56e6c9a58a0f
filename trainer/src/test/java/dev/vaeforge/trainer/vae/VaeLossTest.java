package dev.vaeforge.trainer.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.model.Likelihood;
import org.junit.jupiter.api.Test;

class VaeLossTest {
    /*
     * Two images of 1x1x2 pixels, latent dim 1.
     * Image 0: logits [0, 2], x [1, 0], mu 1, logvar 0.
     *   BCE(0, 1) = log 2 = 0.6931472; BCE(2, 0) = 2 + log(1 + e^-2) = 2.1269280; recon = 2.8200752
     *   KL = 0.5 (1 + 1 - 0 - 1) = 0.5
     * Image 1: logits [-30, 0], x [0, 0.5], mu 0, logvar ln 2.
     *   BCE(-30, 0) = 0 + log(1 + e^-30) = 9.4e-14; BCE(0, 0.5) = log 2; recon = 0.6931472
     *   KL = 0.5 (0 + 2 - ln 2 - 1) = 0.1534264
     */
    @Test
    void bernoulliMatchesHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 0, 0, 0.5f}, new Shape(2, 1, 1, 2));
            NDArray logits = m.create(new float[] {0, 2, -30, 0}, new Shape(2, 1, 1, 2));
            NDArray mu = m.create(new float[] {1, 0}, new Shape(2, 1));
            NDArray logvar = m.create(new float[] {0, (float) Math.log(2)}, new Shape(2, 1));
            VaeLoss loss = new VaeLoss(Likelihood.BERNOULLI, 0);
            assertArrayEquals(new float[] {2.8200752f, 0.6931472f},
                    loss.reconstructionPerImage(x, logits).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.5f, 0.1534264f}, VaeLoss.klPerImage(mu, logvar).toFloatArray(), 1e-6f);
            LossTerms t = loss.compute(x, new NDList(logits, mu, logvar));
            assertEquals((2.8200752 + 0.6931472) / 2, t.term(LossTerms.RECONSTRUCTION).getFloat(), 1e-6);
            assertEquals((0.5 + 0.1534264) / 2, t.term(LossTerms.KL).getFloat(), 1e-6);
            assertEquals((2.8200752 + 0.6931472 + 0.5 + 0.1534264) / 2, t.total().getFloat(), 1e-6);
        }
    }

    /* sigma 0.5, logits 0 -> mean 0.5: per pixel (x - 0.5)^2 / 0.5 + 0.5 ln(2 pi 0.25) = (x-0.5)^2 * 2 + 0.2257913 */
    @Test
    void gaussianMatchesHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 0.5f}, new Shape(1, 1, 1, 2));
            NDArray logits = m.zeros(new Shape(1, 1, 1, 2));
            float r = new VaeLoss(Likelihood.GAUSSIAN, 0.5).reconstructionPerImage(x, logits).getFloat(0);
            assertEquals(0.5 + 2 * 0.2257913, r, 1e-6);
        }
    }

    @Test
    void bernoulliStaysFiniteForExtremeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 1}, new Shape(1, 1, 1, 2));
            NDArray logits = m.create(new float[] {1000, -1000}, new Shape(1, 1, 1, 2));
            float r = new VaeLoss(Likelihood.BERNOULLI, 0).reconstructionPerImage(x, logits).getFloat(0);
            assertTrue(Float.isFinite(r));
            assertEquals(2000, r, 1e-3);
        }
    }
}
