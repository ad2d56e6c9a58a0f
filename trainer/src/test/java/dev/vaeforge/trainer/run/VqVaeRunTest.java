package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vqvae run through the run directory: metrics carry the code usage, and a run killed mid-epoch and
 * resumed from its checkpoint (EMA codebook state and dead-code counters in the weights file) ends
 * with exactly the straight run's losses and weights.
 */
class VqVaeRunTest {
    @TempDir
    Path tmp;

    static TrainConfig config() {
        VqVaeConfig model = new VqVaeConfig(new Architecture(1, 16, 1, List.of(8, 16), Likelihood.BERNOULLI, 0), 16, 4, null, true, null,
                null, 3);
        return Runs.config(model, 3e-3, 11);
    }

    @Test
    void resumedRunEqualsTheStraightOneWithEmaState() throws IOException {
        EngineSetup.configure(0);
        Runs.Recorder r = new Runs.Recorder();
        Path straight = tmp.resolve("straight");
        TrainingRun.run(config(), Runs.data(), straight, false, r);
        List<EpochMetrics> m = MetricsLog.read(straight.resolve("metrics.jsonl"));
        for (EpochMetrics e : m) {
            assertNotNull(e.perplexity(), e.toString());
            assertTrue(e.perplexity() >= 1 && e.perplexity() <= 16, e.toString());
            assertTrue(e.codesUsed() >= 1 && e.codesUsed() <= 16, e.toString());
            assertNull(e.klPerDim());
        }
        String header = Files.readAllLines(straight.resolve("metrics.csv")).get(0);
        assertTrue(header.endsWith(",perplexity,codesUsed"), header);
        RunDirectory rd = RunDirectory.open(straight);
        SessionSnapshot straightEnd = CheckpointSnapshots.read(rd.latestCheckpoint(), rd.config().model());
        assertTrue(straightEnd.weights().containsKey("02quantizer_ema_cluster_size"), straightEnd.weights().keySet().toString());

        Path crashed = tmp.resolve("crashed");
        Runs.crashAfter(config(), crashed, 10);
        Runs.Recorder resumed = new Runs.Recorder();
        TrainingRun.resume(crashed, Runs.data(), resumed);
        assertEquals(List.of("checkpoints/epoch-0002-batch-0004@9"), resumed.resumedFrom);
        Map<Long, Float> expected = new TreeMap<>(r.losses).tailMap(10L);
        assertEquals(expected, resumed.losses);
        RunDirectory cd = RunDirectory.open(crashed);
        SessionSnapshot end = CheckpointSnapshots.read(cd.latestCheckpoint(), cd.config().model());
        straightEnd.weights().forEach((k, v) -> assertArrayEquals(v, end.weights().get(k), k));
        assertEquals(m, MetricsLog.read(crashed.resolve("metrics.jsonl")).stream()
                .map(e -> new EpochMetrics(e.epoch(), e.step(), e.trainLoss(), e.trainRecon(), e.trainKl(), e.testLoss(),
                        e.testRecon(), e.testKl(), m.get(e.epoch() - 1).imagesPerSecond(), m.get(e.epoch() - 1).seconds(),
                        e.beta(), e.capacity(), e.klPerDim(), e.perplexity(), e.codesUsed(), e.extras())).toList());
    }
}
