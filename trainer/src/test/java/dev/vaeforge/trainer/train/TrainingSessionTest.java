package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingSessionTest {
    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    @Test
    void fewStepsLowerTheLossAndMemoryStaysFlat() {
        ArrayDataset data = Squares.dataset(128, 1);
        TrainConfig cfg = Squares.config().build();
        try (TrainingSession s = new TrainingSession(cfg, Device.cpu())) {
            double before = s.evaluate(data).meanTotal();
            List<Integer> live = new ArrayList<>();
            for (int epoch = 1; epoch <= 3; epoch++) {
                LossTotals t = s.trainEpoch(data, epoch, (step, n, m) -> live.add(s.liveArrays()));
                assertEquals(8, t.steps());
                assertEquals(128, t.images());
            }
            double after = s.evaluate(data).meanTotal();
            assertTrue(after < before * 0.8, "test loss " + before + " -> " + after);
            // the first step creates Adam's state; after that nothing may accumulate
            assertEquals(live.get(1), live.get(live.size() - 1), "live arrays per step " + live);
        }
    }

    @Test
    void sameSeedSameTrajectory() {
        ArrayDataset data = Squares.dataset(64, 2);
        float[] a = trajectory(data, 5);
        float[] b = trajectory(data, 5);
        float[] c = trajectory(data, 6);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    private static float[] trajectory(ArrayDataset data, long seed) {
        List<Float> losses = new ArrayList<>();
        try (TrainingSession s = new TrainingSession(Squares.config().optSeed(seed).build(), Device.cpu())) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                s.trainEpoch(data, epoch, (step, n, m) -> losses.add(m[0]));
            }
            losses.add((float) s.evaluate(data).meanTotal());
        }
        float[] out = new float[losses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = losses.get(i);
        }
        return out;
    }

    @Test
    void shuffleDependsOnlyOnSeedAndEpoch() {
        assertArrayEquals(EpochOrder.shuffle(100, 3, 1), EpochOrder.shuffle(100, 3, 1));
        assertFalse(Arrays.equals(EpochOrder.shuffle(100, 3, 1), EpochOrder.shuffle(100, 3, 2)));
        assertFalse(Arrays.equals(EpochOrder.shuffle(100, 3, 1), EpochOrder.shuffle(100, 4, 1)));
        int[] sorted = EpochOrder.shuffle(100, 3, 1).clone();
        Arrays.sort(sorted);
        assertArrayEquals(EpochOrder.identity(100), sorted);
    }
}
