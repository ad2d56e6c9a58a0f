package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An injected NaN in a loss term or a gradient stops the step before it touches the weights, the
 * optimiser state or the next step's gradients, with a message naming the step, family and term.
 */
class NanGuardTest {
    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    private static BatchLoader.Batch batch(ArrayDataset data, int from, boolean poison) {
        int[] idx = new int[16];
        for (int i = 0; i < 16; i++) {
            idx[i] = from + i;
        }
        float[] px = data.batch(idx, 0, 16);
        if (poison) {
            px[300] = Float.NaN;
        }
        return new BatchLoader.Batch(px, 16);
    }

    private static void assertSameState(SessionSnapshot a, SessionSnapshot b) {
        a.weights().forEach((k, v) -> assertArrayEquals(v, b.weights().get(k), k));
        assertEquals(a.optimizer().numUpdate(), b.optimizer().numUpdate());
        for (int i = 0; i < a.optimizer().slots().size(); i++) {
            assertArrayEquals(a.optimizer().slots().get(i).mean(), b.optimizer().slots().get(i).mean());
            assertArrayEquals(a.optimizer().slots().get(i).variance(), b.optimizer().slots().get(i).variance());
        }
    }

    @Test
    void nanInALossTermIsRefusedBeforeTheWeightsChange() {
        ArrayDataset data = Squares.dataset(64, 2);
        try (TrainingSession s = new TrainingSession(Squares.config().build(), Device.cpu());
             TrainingSession reference = new TrainingSession(Squares.config().build(), Device.cpu())) {
            s.step(batch(data, 0, false), 1, 1, 1);
            reference.step(batch(data, 0, false), 1, 1, 1);
            SessionSnapshot before = s.snapshot();
            NumericalFaultException e = assertThrows(NumericalFaultException.class,
                    () -> s.step(batch(data, 16, true), 1, 2, 2));
            assertEquals(VaeforgeException.Code.TRAINING, e.code());
            assertEquals("non-finite value at step 2 (epoch 1, batch 2) of family 'vae': loss term 'reconstruction' is"
                    + " NaN; the step was not applied (weights and optimiser state are those after step 1)", e.getMessage());
            assertEquals("loss term 'reconstruction'", e.fault().where());
            assertSameState(before, s.snapshot());
            // nothing of the refused step lingers: the next good step equals a session that never saw it
            float[] a = s.step(batch(data, 32, false), 1, 3, 2);
            float[] b = reference.step(batch(data, 32, false), 1, 3, 2);
            assertArrayEquals(b, a);
            assertSameState(reference.snapshot(), s.snapshot());
        }
    }

    /** Finite loss, NaN gradient: sqrt'(0) is infinite, times 0 is NaN in the backward pass. */
    private static final class NanGradient implements Objective {
        private final Objective vae = VaeLoss.of(Squares.MODEL);

        @Override
        public LossTerms compute(ai.djl.ndarray.NDArray x, NDList outputs) {
            LossTerms t = vae.compute(x, outputs);
            ai.djl.ndarray.NDArray mu = outputs.get(1);
            ai.djl.ndarray.NDArray trap = mu.sub(mu).sqrt().sum().mul(0f);
            return LossTerms.gaussian(t.total().add(trap), t.term(LossTerms.RECONSTRUCTION), t.term(LossTerms.KL), null);
        }
    }

    @Test
    void nanInAGradientWithAFiniteLossIsRefusedToo() {
        ArrayDataset data = Squares.dataset(64, 2);
        try (TrainingSession s = new TrainingSession(Squares.config().build(), Device.cpu(), new NanGradient())) {
            SessionSnapshot before = s.snapshot();
            NumericalFaultException e = assertThrows(NumericalFaultException.class,
                    () -> s.step(batch(data, 0, false), 1, 1, 1));
            assertTrue(e.getMessage().startsWith("non-finite value at step 1 (epoch 1, batch 1) of family 'vae': the loss"
                    + " terms were finite but the gradient of parameter '"), e.getMessage());
            assertTrue(e.getMessage().contains("' is NaN; the step was not applied"), e.getMessage());
            assertSameState(before, s.snapshot());
            assertEquals(0, s.optimizer().updates());
        }
    }

    @Test
    void snapshotsNameTheFirstNonFiniteValue() {
        try (TrainingSession s = new TrainingSession(Squares.config().build(), Device.cpu())) {
            SessionSnapshot ok = s.snapshot();
            assertTrue(ok.firstNonFinite().isEmpty());
            var w = new java.util.LinkedHashMap<>(ok.weights());
            String first = w.keySet().iterator().next();
            float[] bad = Arrays.copyOf(w.get(first), w.get(first).length);
            bad[2] = Float.POSITIVE_INFINITY;
            w.put(first, bad);
            SessionSnapshot broken = new SessionSnapshot(w, ok.optimizer(), ok.family());
            assertEquals("parameter '" + first + "' holds Infinity at index 2", broken.firstNonFinite().orElseThrow());
        }
    }
}
