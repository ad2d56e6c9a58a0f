package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ResumableAdam computes what DJL's Adam computes, and its state survives a snapshot and a restore. */
class ResumableAdamTest {
    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    @Test
    void sameWeightsAsDjlAdamBitForBit() {
        Map<String, float[]> djl = train(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
        Map<String, float[]> ours = train(new ResumableAdam(0.01f));
        assertEquals(djl.keySet(), ours.keySet());
        djl.forEach((k, v) -> assertArrayEquals(v, ours.get(k), k));
    }

    private static Map<String, float[]> train(Optimizer optimizer) {
        Random r = new Random(1);
        float[] x = new float[8 * 5];
        float[] y = new float[8 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian();
        }
        try (Model m = Model.newInstance("adam")) {
            m.setBlock(new SequentialBlock().add(Linear.builder().setUnits(6).build()).add(Linear.builder().setUnits(3).build()));
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            try (Trainer t = m.newTrainer(tc)) {
                EngineSetup.seed(3);
                t.initialize(new Shape(8, 5));
                for (int s = 0; s < 7; s++) {
                    try (NDManager sm = t.getManager().newSubManager()) {
                        NDArray xa = sm.create(x, new Shape(8, 5));
                        NDArray ya = sm.create(y, new Shape(8, 3));
                        try (GradientCollector gc = t.newGradientCollector()) {
                            NDArray pred = t.forward(new NDList(xa)).singletonOrThrow();
                            gc.backward(pred.sub(ya).square().mean());
                        }
                        t.step();
                    }
                }
                Map<String, float[]> out = new java.util.TreeMap<>();
                m.getBlock().getParameters().forEach(p -> out.put(p.getKey(), p.getValue().getArray().toFloatArray()));
                return out;
            }
        }
    }

    @Test
    void aRestoredSessionContinuesExactlyLikeTheOriginal() {
        ArrayDataset data = Squares.dataset(64, 2);
        TrainConfig cfg = Squares.config().build();
        SessionSnapshot afterOne;
        List<Float> straight = new ArrayList<>();
        SessionSnapshot end;
        try (TrainingSession s = new TrainingSession(cfg, Device.cpu())) {
            s.trainEpoch(data, 1, (step, n, m) -> { });
            afterOne = s.snapshot();
            s.trainEpoch(data, 2, (step, n, m) -> straight.add(m[0]));
            end = s.snapshot();
        }
        List<Float> again = new ArrayList<>();
        SessionSnapshot end2;
        try (TrainingSession s = new TrainingSession(cfg, Device.cpu())) {
            // move the weights and Adam's moments and step counts away from the snapshot first
            s.trainEpoch(data, 1, (step, n, m) -> { });
            s.trainEpoch(data, 2, (step, n, m) -> { });
            s.restore(afterOne);
            assertEquals(afterOne.optimizer().numUpdate(), s.optimizer().updates());
            s.trainEpoch(data, 2, (step, n, m) -> again.add(m[0]));
            end2 = s.snapshot();
        }
        assertEquals(straight, again);
        end.weights().forEach((k, v) -> assertArrayEquals(v, end2.weights().get(k), k));
        for (int i = 0; i < end.optimizer().slots().size(); i++) {
            assertArrayEquals(end.optimizer().slots().get(i).variance(), end2.optimizer().slots().get(i).variance());
        }
    }
}
