package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.train.NanPolicy;
import dev.vaeforge.trainer.train.NumericalFaultException;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --on-nan stop | skip | rollback with a NaN injected into one training image: stop names the step,
 * family and term; skip drops the batch; rollback returns to the last good checkpoint and halves
 * the learning rate; both give up after maxNanRetries. No checkpoint ever holds a non-finite weight.
 */
class NanPolicyTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    /** Runs' run cut to 2 epochs (10 steps): the fault is in epoch 2. */
    private static TrainConfig.Builder config() {
        return Runs.config().optEpochs(2);
    }

    private static final int STEPS = 10;

    /** Trains with image 0 of the training split NaN on the given reads (read 2 = epoch 2). */
    private TrainingSummary train(TrainConfig cfg, Path run, Set<Integer> badReads, Runs.Recorder r) throws IOException {
        ImageDataset all = Runs.data();
        Subset[] split = Subset.split(all, 20, cfg.seed());
        ImageDataset train = new Runs.FaultyDataset(split[0], 0, badReads);
        return TrainingRun.run(cfg, DatasetInfo.of("squares", all, split[0], split[1]), train, split[1], run, false, r);
    }

    private static void assertCheckpointsFinite(Path run) throws IOException {
        RunDirectory rd = RunDirectory.open(run);
        for (Checkpoint c : rd.checkpoints()) {
            SessionSnapshot s = CheckpointSnapshots.read(c, rd.config().model());
            assertTrue(s.firstNonFinite().isEmpty(), c + ": " + s.firstNonFinite());
        }
    }

    @Test
    void stopNamesTheStepFamilyAndTerm() throws IOException {
        Path run = tmp.resolve("stop");
        NumericalFaultException e = assertThrows(NumericalFaultException.class,
                () -> train(config().build(), run, Set.of(2), new Runs.Recorder()));
        assertTrue(e.getMessage().matches("non-finite value at step \\d+ \\(epoch 2, batch \\d\\) of family 'vae': loss"
                + " term 'reconstruction' is NaN; the step was not applied \\(weights and optimiser state are those after"
                + " step \\d+\\)\\. Training stopped \\(--on-nan stop\\); --on-nan skip or rollback would continue, or lower"
                + " the learning rate \\(now 0\\.003\\)"), e.getMessage());
        assertEquals(2, e.fault().epoch());
        assertCheckpointsFinite(run);
    }

    @Test
    void skipDropsTheBatchAndGoesOn() throws IOException {
        Path run = tmp.resolve("skip");
        Runs.Recorder r = new Runs.Recorder();
        TrainingSummary s = train(config().optOnNan(NanPolicy.SKIP).build(), run, Set.of(2), r);
        assertEquals(STEPS - 1, s.steps(), "one batch fewer");
        assertEquals(1, r.warnings.size());
        assertTrue(r.warnings.get(0).startsWith("skipped the batch at step "), r.warnings.toString());
        assertTrue(r.warnings.get(0).endsWith(" (1 of 3 allowed)"), r.warnings.toString());
        TrainingState st = RunDirectory.open(run).latestCheckpoint().info().state();
        assertEquals(1, st.faults().retriesUsed());
        assertEquals("skipped", st.faults().events().get(0).action());
        assertEquals(0.003f, st.optimizer().learningRate());
        assertCheckpointsFinite(run);
    }

    @Test
    void rollbackReturnsToTheLastCheckpointWithHalfTheLearningRate() throws IOException {
        Path run = tmp.resolve("rollback");
        Runs.Recorder r = new Runs.Recorder();
        TrainingSummary s = train(config().optOnNan(NanPolicy.ROLLBACK).build(), run, Set.of(2), r);
        assertEquals(STEPS, s.steps(), "the rolled-back steps are trained again");
        assertEquals(1, r.warnings.size());
        assertTrue(r.warnings.get(0).contains("; rolled back to checkpoints/epoch-"), r.warnings.toString());
        assertTrue(r.warnings.get(0).contains("learning rate halved to 0.0015 (1 of 3 allowed)"), r.warnings.toString());
        TrainingState st = RunDirectory.open(run).latestCheckpoint().info().state();
        assertEquals(0.0015f, st.optimizer().learningRate());
        assertEquals(1, st.faults().events().size());
        assertTrue(st.faults().events().get(0).action().startsWith("rolled back to checkpoints/epoch-"));
        assertCheckpointsFinite(run);
    }

    @Test
    void rollbackGivesUpAfterTheAllowedRetries() {
        Path run = tmp.resolve("persistent");
        Runs.Recorder r = new Runs.Recorder();
        NumericalFaultException e = assertThrows(NumericalFaultException.class, () -> train(config()
                .optOnNan(NanPolicy.ROLLBACK).optMaxNanRetries(2).build(), run, Set.of(2, 3, 4, 5), r));
        assertTrue(e.getMessage().endsWith("Training stopped: --on-nan rollback already handled 2 fault(s), the limit"
                + " (--max-nan-retries) is 2"), e.getMessage());
        assertEquals(2, r.warnings.size());
        assertTrue(r.warnings.get(1).contains("learning rate halved to 7.5E-4 (2 of 2 allowed)"), r.warnings.toString());
    }
}
