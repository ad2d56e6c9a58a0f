package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.ResumableAdam;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vaegan run killed mid-epoch and resumed from its checkpoint continues exactly as the straight run:
 * the three networks' Adam states (whose step counts differ once the equilibrium rule skips updates)
 * and the mid-epoch sums of the adversarial terms come back from the checkpoint.
 */
class VaeGanRunTest {
    @TempDir
    Path tmp;

    static TrainConfig config() {
        VaeGanConfig model = new VaeGanConfig(new Architecture(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0), List.of(8, 16), null,
                0.05, true, null, null);
        return Runs.config(model, 2e-3, 13);
    }

    @Test
    void resumedRunEqualsTheStraightOne() throws IOException {
        EngineSetup.configure(0);
        Runs.Recorder r = new Runs.Recorder();
        Path straight = tmp.resolve("straight");
        TrainingRun.run(config(), Runs.data(), straight, false, r);
        List<EpochMetrics> m = MetricsLog.read(straight.resolve("metrics.jsonl"));
        for (EpochMetrics e : m) {
            assertNotNull(e.extras(), e.toString());
            assertEquals(12, e.extras().size(), e.toString());
        }
        RunDirectory rd = RunDirectory.open(straight);
        SessionSnapshot straightEnd = CheckpointSnapshots.read(rd.latestCheckpoint(), rd.config().model());
        Map<String, Integer> counts = new TreeMap<>();
        for (ResumableAdam.SlotState s : straightEnd.optimizer().slots()) {
            counts.merge(s.parameter().substring(0, 4), s.count(), Math::max);
        }
        assertEquals(Runs.STEPS, counts.get("01en"), "the encoder trains every step");
        assertTrue(counts.get("02de") + counts.get("03di") < 2 * Runs.STEPS,
                "the equilibrium rule skipped some updates, so the counts differ: " + counts);

        Path crashed = tmp.resolve("crashed");
        Runs.crashAfter(config(), crashed, 8);
        Runs.Recorder resumed = new Runs.Recorder();
        TrainingRun.resume(crashed, Runs.data(), resumed);
        assertEquals(List.of("checkpoints/epoch-0002-batch-0002@7"), resumed.resumedFrom);
        assertEquals(new TreeMap<>(r.losses).tailMap(8L), resumed.losses);
        RunDirectory cd = RunDirectory.open(crashed);
        SessionSnapshot end = CheckpointSnapshots.read(cd.latestCheckpoint(), cd.config().model());
        straightEnd.weights().forEach((k, v) -> assertArrayEquals(v, end.weights().get(k), k));
        assertEquals(straightEnd.optimizer().slots().size(), end.optimizer().slots().size());
        for (int i = 0; i < end.optimizer().slots().size(); i++) {
            ResumableAdam.SlotState a = straightEnd.optimizer().slots().get(i);
            ResumableAdam.SlotState b = end.optimizer().slots().get(i);
            assertEquals(a.parameter(), b.parameter());
            assertEquals(a.count(), b.count(), a.parameter());
            assertArrayEquals(a.mean(), b.mean(), a.parameter());
            assertArrayEquals(a.variance(), b.variance(), a.parameter());
        }
        List<EpochMetrics> after = MetricsLog.read(crashed.resolve("metrics.jsonl"));
        for (int i = 0; i < m.size(); i++) {
            assertEquals(m.get(i).trainLoss(), after.get(i).trainLoss(), "epoch " + (i + 1));
            assertEquals(m.get(i).testLoss(), after.get(i).testLoss(), "epoch " + (i + 1));
            assertEquals(m.get(i).extras(), after.get(i).extras(), "epoch " + (i + 1));
        }
    }
}
