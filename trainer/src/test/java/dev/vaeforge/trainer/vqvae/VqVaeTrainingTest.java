package dev.vaeforge.trainer.vqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.train.ResumableAdam;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VQ-VAE on 16x16 shapes with a tiny model: training lowers the loss, the straight-through estimator
 * reaches the encoder, and a run resumed from a copy of every parameter (EMA state included) and Adam's
 * state continues bit for bit as the uninterrupted one.
 */
class VqVaeTrainingTest {
    private static final int BATCH = 16;
    private static final float[] PIXELS = Shapes.generate(new ShapesSpec(64, 16, false, 5)).pixels();

    private static VqVaeConfig config(boolean ema, int deadSteps) {
        return new VqVaeConfig(new Architecture(1, 16, 1, List.of(8, 16), Likelihood.BERNOULLI, 0), 16, 4, null, ema, null, null, deadSteps);
    }

    /** A model, its trainer with ResumableAdam and seeded Xavier initialisation. */
    private static final class Run implements AutoCloseable {
        final Model model;
        final Trainer trainer;
        final ResumableAdam adam = new ResumableAdam(2e-3f);
        final VqVaeLoss loss;
        final Map<String, Parameter> byName = new LinkedHashMap<>();
        final Map<String, String> nameById = new LinkedHashMap<>();

        Run(VqVaeConfig c) {
            model = Model.newInstance("vqvae");
            VqVae block = new VqVae(c);
            model.setBlock(block);
            trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam)
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT));
            EngineSetup.seed(11);
            trainer.initialize(block.inputShape(BATCH));
            loss = new VqVaeLoss(c);
            for (Pair<String, Parameter> p : block.getParameters()) {
                byName.put(p.getKey(), p.getValue());
                nameById.put(p.getValue().getId(), p.getKey());
            }
        }

        NDArray batch(NDManager m, int step) {
            int from = (step % (PIXELS.length / 256 / BATCH)) * BATCH * 256;
            return m.create(Arrays.copyOfRange(PIXELS, from, from + BATCH * 256), new Shape(BATCH, 1, 16, 16));
        }

        /** One Adam step; returns [total, recon, vq]. */
        float[] step(int step) {
            EngineSetup.seedBatch(1000 + step);
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = batch(m, step);
                float[] r;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    LossTerms t = loss.compute(x, trainer.forward(new NDList(x)));
                    r = new float[] {t.total().getFloat(), t.term(LossTerms.RECONSTRUCTION).getFloat(), t.term(VqVaeLoss.VQ).getFloat()};
                    gc.backward(t.total());
                }
                trainer.step();
                return r;
            }
        }

        Map<String, float[]> weights() {
            Map<String, float[]> w = new LinkedHashMap<>();
            byName.forEach((n, p) -> w.put(n, p.getArray().toFloatArray()));
            return w;
        }

        void restore(Map<String, float[]> w, ResumableAdam.State s) {
            try (NDManager m = trainer.getManager().newSubManager()) {
                byName.forEach((n, p) -> p.getArray().set(new NDIndex("..."), m.create(w.get(n), p.getArray().getShape())));
            }
            adam.restore(s, byName);
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    @Test
    void aFewStepsLowerTheLoss() {
        for (boolean ema : new boolean[] {false, true}) {
            try (Run r = new Run(config(ema, 5))) {
                float first = r.step(0)[0];
                float last = first;
                for (int s = 1; s < 30; s++) {
                    last = r.step(s)[0];
                }
                assertTrue(last < 0.8 * first, (ema ? "ema" : "loss codebook") + ": loss " + first + " -> " + last);
            }
        }
    }

    @Test
    void straightThroughEstimatorReachesTheEncoder() {
        try (Run r = new Run(config(false, 0)); NDManager m = r.trainer.getManager().newSubManager()) {
            NDArray x = r.batch(m, 0);
            try (GradientCollector gc = r.trainer.newGradientCollector()) {
                NDList out = r.trainer.forward(new NDList(x));
                gc.backward(r.loss.perImage(x, out).get(0).mean()); // reconstruction alone
            }
            int checked = 0;
            for (Map.Entry<String, Parameter> e : r.byName.entrySet()) {
                if (e.getKey().startsWith("01encoder") && e.getValue().requiresGradient()) {
                    checked++;
                    float maxAbs = e.getValue().getArray().getGradient().abs().max().getFloat();
                    assertTrue(maxAbs > 0, e.getKey() + " got no gradient from the reconstruction loss");
                }
            }
            assertTrue(checked >= 3, "encoder parameters checked: " + checked + " of " + r.byName.keySet());
            // the reconstruction does not reach the codebook (only the codebook term does)
            assertEquals(0f, r.byName.get("02quantizer_codebook").getArray().getGradient().abs().max().getFloat());
        }
    }

    @Test
    void resumeFromCopiedStateIsExactWithEma() {
        Map<String, float[]> straight;
        try (Run a = new Run(config(true, 2))) {
            for (int s = 0; s < 8; s++) {
                a.step(s);
            }
            straight = a.weights();
        }
        Map<String, float[]> mid;
        ResumableAdam.State adamMid;
        try (Run b = new Run(config(true, 2))) {
            for (int s = 0; s < 4; s++) {
                b.step(s);
            }
            mid = b.weights();
            adamMid = b.adam.snapshot(b.nameById);
        }
        try (Run c = new Run(config(true, 2))) {
            c.restore(mid, adamMid);
            for (int s = 4; s < 8; s++) {
                c.step(s);
            }
            Map<String, float[]> resumed = c.weights();
            assertEquals(straight.keySet(), resumed.keySet());
            straight.forEach((n, w) -> assertArrayEquals(w, resumed.get(n), n));
            assertNotEquals(Arrays.toString(mid.get("02quantizer_ema_cluster_size")),
                    Arrays.toString(straight.get("02quantizer_ema_cluster_size")), "the EMA state should have moved");
        }
    }
}
