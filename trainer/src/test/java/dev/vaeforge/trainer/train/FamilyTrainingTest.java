package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.betavae.KlSchedule;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.run.RunDirectory;
import dev.vaeforge.trainer.run.TrainingRun;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few steps of every family on tiny 16x16 shapes lower its loss; the run logs the family's values. */
class FamilyTrainingTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    static TrainConfig config(ModelConfig model) {
        return TrainConfig.builder(model, "shapes:n=96,size=16").optEpochs(3).optBatchSize(16).optLearningRate(3e-3)
                .optSeed(5).optKeepCheckpoints(1).optTestFraction(0.25).build();
    }

    @Test
    void everyFamilysLossGoesDown() {
        ArrayDataset data = TinyShapes.dataset(64, 1);
        for (ModelConfig model : List.of(TinyShapes.betaVae(new KlSchedule.Warmup(0, Span.ofEpochs(1)), 0.05),
                TinyShapes.capacityVae(Span.ofEpochs(2)), TinyShapes.cvae())) {
            try (TrainingSession s = new TrainingSession(config(model), Device.cpu())) {
                double before = s.evaluate(data).meanTotal();
                for (int epoch = 1; epoch <= 2; epoch++) {
                    s.trainEpoch(data, epoch, (step, n, m) -> { });
                }
                LossTotals after = s.evaluate(data);
                assertTrue(after.meanTotal() < before, model.family() + ": " + before + " -> " + after.meanTotal());
                assertEquals(4, after.meanKlPerDim().length);
            }
        }
    }

    @Test
    void betaVaeRunLogsBetaAndKlPerDimension() throws Exception {
        Path run = tmp.resolve("beta");
        TrainingRun.run(config(TinyShapes.betaVae(new KlSchedule.Warmup(0, Span.ofEpochs(2)), 0)),
                TinyShapes.dataset(96, 2), run, false);
        RunDirectory rd = RunDirectory.open(run);
        List<EpochMetrics> m = rd.metrics();
        // 72 training images, 4 steps an epoch; beta at each epoch's last step (3, 7, 11) of an 8-step warm-up
        // from 0 to 4
        assertEquals(4 * 3 / 8.0, m.get(0).beta(), 1e-9);
        assertEquals(4 * 7 / 8.0, m.get(1).beta(), 1e-9);
        assertEquals(4.0, m.get(2).beta(), 1e-9);
        assertNull(m.get(0).capacity());
        assertEquals(4, m.get(2).klPerDim().size());
        double sum = m.get(2).klPerDim().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(m.get(2).testKl(), sum, 1e-3 * Math.max(1, sum), "the dimensions add up to the KL");
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(csv.get(0).endsWith(",seconds,beta,klDim0,klDim1,klDim2,klDim3"), csv.get(0));
        assertEquals(csv.get(0).split(",").length, csv.get(1).split(",").length);
        assertTrue(Files.readString(run.resolve("metrics.jsonl")).contains("\"klPerDim\":["));
        try (NDManager mgr = NDManager.newBaseManager()) {
            assertInstanceOf(ConvVae.class, rd.loadBlock(mgr, rd.latestCheckpoint()));
        }
    }

    @Test
    void capacityRunLogsC() throws Exception {
        Path run = tmp.resolve("cap");
        TrainingRun.run(config(TinyShapes.capacityVae(Span.ofEpochs(3))), TinyShapes.dataset(96, 3), run, false);
        List<EpochMetrics> m = RunDirectory.open(run).metrics();
        // C_max 5 over 12 steps; the last steps of the epochs are 3, 7 and 11
        assertEquals(5 * 3 / 12.0, m.get(0).capacity(), 1e-9);
        assertEquals(5 * 11 / 12.0, m.get(2).capacity(), 1e-9);
        assertNull(m.get(2).beta());
        assertTrue(Files.readAllLines(run.resolve("metrics.csv")).get(0).contains(",seconds,capacity,klDim0,"));
    }

    @Test
    void cvaeTrainsOnLabelsAndNeedsThem() throws Exception {
        Path run = tmp.resolve("cvae");
        TrainingRun.run(config(TinyShapes.cvae()), TinyShapes.dataset(96, 4), run, false);
        RunDirectory rd = RunDirectory.open(run);
        assertNotNull(rd.metrics().get(2).klPerDim());
        assertNull(rd.metrics().get(2).beta());
        try (NDManager mgr = NDManager.newBaseManager()) {
            assertInstanceOf(ConditionalVae.class, rd.loadBlock(mgr, rd.latestCheckpoint()));
        }
        ArrayDataset unlabelled = Squares.dataset(96, 1);
        Path bad = tmp.resolve("bad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.run(config(TinyShapes.cvae()), unlabelled, bad, false));
        assertTrue(e.getMessage().contains("has no class labels"), e.getMessage());
        assertFalse(Files.exists(bad), "refused before the run directory was created");
    }
}
