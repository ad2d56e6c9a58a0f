package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.train.SessionSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume after a crash (an exception at step 10, in-process; the SIGKILL case is
 * {@link ResumeAfterKillTest}): a corrupt or truncated newest checkpoint is detected by its hashes
 * and the previous one is used, with a warning naming both; other data and an empty run are handled.
 */
class ResumeTest {
    @TempDir
    static Path shared;
    static Path crashed;
    static Map<Long, Float> straight;
    static SessionSnapshot straightEnd;

    @BeforeAll
    static void straightAndCrashedRuns() throws IOException {
        EngineSetup.configure(0);
        Runs.Recorder r = new Runs.Recorder();
        Path s = shared.resolve("straight");
        TrainingRun.run(Runs.config().build(), Runs.data(), s, false, r);
        straight = r.losses;
        RunDirectory rd = RunDirectory.open(s);
        straightEnd = CheckpointSnapshots.read(rd.latestCheckpoint(), rd.config().model());

        crashed = shared.resolve("crashed");
        Runs.crashAfter(Runs.config().build(), crashed, 10);
        // checkpoints after steps 5 (epoch end), 7 and 9 (every 2 batches); keep 2 + the best
        assertEquals(List.of("epoch-0001", "epoch-0002-batch-0002", "epoch-0002-batch-0004"), Runs.checkpointNames(crashed));
    }

    private Path copyOfCrashed(String name) throws IOException {
        Path dst = shared.resolve(name);
        Runs.copyTree(crashed, dst);
        return dst;
    }

    private static void assertFinishedLikeStraight(Path run, Runs.Recorder r, long firstStep) throws IOException {
        assertEquals(new TreeMap<>(straight).tailMap(firstStep), r.losses);
        RunDirectory rd = RunDirectory.open(run);
        SessionSnapshot end = CheckpointSnapshots.read(rd.latestCheckpoint(), rd.config().model());
        straightEnd.weights().forEach((k, v) -> assertArrayEquals(v, end.weights().get(k), k));
        assertTrue(Files.isRegularFile(run.resolve("summary.json")));
    }

    @Test
    void resumesFromTheNewestCheckpoint() throws IOException {
        Path run = copyOfCrashed("plain");
        Runs.Recorder r = new Runs.Recorder();
        TrainingRun.resume(run, Runs.data(), r);
        assertEquals(List.of("checkpoints/epoch-0002-batch-0004@9"), r.resumedFrom);
        assertFinishedLikeStraight(run, r, 10);
    }

    @Test
    void truncatedNewestOptimizerStateFallsBackToThePreviousCheckpoint() throws IOException {
        Path run = copyOfCrashed("truncated-optimizer");
        Path opt = run.resolve("checkpoints/epoch-0002-batch-0004/optimizer.bin");
        byte[] b = Files.readAllBytes(opt);
        Files.write(opt, java.util.Arrays.copyOf(b, b.length / 2));
        Runs.Recorder r = new Runs.Recorder();
        TrainingRun.resume(run, Runs.data(), r);
        assertEquals(1, r.warnings.size(), r.warnings.toString());
        String w = r.warnings.get(0);
        assertTrue(w.startsWith("newest checkpoint " + run.resolve("checkpoints/epoch-0002-batch-0004") + " is unusable ("
                + opt + " has sha256 "), w);
        assertTrue(w.endsWith("; resuming from " + run.resolve("checkpoints/epoch-0002-batch-0002")
                + " instead; the bad one was renamed to corrupt-epoch-0002-batch-0004"), w);
        assertEquals(List.of("checkpoints/epoch-0002-batch-0002@7"), r.resumedFrom);
        assertFinishedLikeStraight(run, r, 8);
        assertTrue(Files.isDirectory(run.resolve("checkpoints/corrupt-epoch-0002-batch-0004")));
    }

    @Test
    void truncatedWeightsOrGarbledMetadataAreDetectedToo() throws IOException {
        Path run = copyOfCrashed("truncated-weights");
        Path params = run.resolve("checkpoints/epoch-0002-batch-0004/vae.params");
        Files.write(params, java.util.Arrays.copyOf(Files.readAllBytes(params), 100));
        Runs.Recorder r = new Runs.Recorder();
        TrainingRun.resume(run, Runs.data(), r);
        assertTrue(r.warnings.get(0).contains("(" + params + " has sha256 "), r.warnings.toString());
        assertFinishedLikeStraight(run, r, 8);

        Path run2 = copyOfCrashed("garbled-json");
        Path json = run2.resolve("checkpoints/epoch-0002-batch-0004/checkpoint.json");
        Files.writeString(json, Files.readString(json).replace("\"globalStep\" : 9", "\"globalStep\" : 8"));
        Runs.Recorder r2 = new Runs.Recorder();
        TrainingRun.resume(run2, Runs.data(), r2);
        assertTrue(r2.warnings.get(0).contains("(" + json + " has sha256 "), r2.warnings.toString());
        assertTrue(r2.warnings.get(0).contains(" but checkpoint.sha256 records "), r2.warnings.toString());
        assertFinishedLikeStraight(run2, r2, 8);
    }

    @Test
    void allCheckpointsUnusableIsAnErrorNamingEach() throws IOException {
        Path run = copyOfCrashed("all-bad");
        for (String c : Runs.checkpointNames(run)) {
            Files.delete(run.resolve("checkpoints").resolve(c).resolve("checkpoint.sha256"));
        }
        InvalidRunException e = assertThrows(InvalidRunException.class, () -> TrainingRun.resume(run, Runs.data()));
        assertTrue(e.getMessage().startsWith(run.resolve("checkpoints") + " holds no usable checkpoint: "
                + "epoch-0002-batch-0004: "), e.getMessage());
        assertTrue(e.getMessage().contains("epoch-0001: " + run.resolve("checkpoints/epoch-0001/checkpoint.sha256")
                + " is missing"), e.getMessage());
        assertEquals(3, Runs.checkpointNames(run).size(), "nothing renamed when nothing is resumed");
    }

    @Test
    void aDifferentThreadCountIsWarnedAbout() throws IOException {
        Path run = copyOfCrashed("threads");
        String key = EngineSetup.NUM_THREADS;
        String before = System.getProperty(key);
        // the engine is loaded already, so this changes only what the resume sees, not the arithmetic
        System.setProperty(key, "7");
        Runs.Recorder r = new Runs.Recorder();
        try {
            TrainingRun.resume(run, Runs.data(), r);
        } finally {
            System.setProperty(key, before);
        }
        assertEquals(List.of("this process uses 7 PyTorch threads but the run was started with " + before + "; the result"
                + " will differ from an uninterrupted run by float rounding (bit-exact resume needs the same thread count:"
                + " -Dai.djl.pytorch.num_threads=" + before + ", e.g. in VAEFORGE_JAVA_OPTS)"), r.warnings);
    }

    @Test
    void otherDataIsRefused() throws IOException {
        Path run = copyOfCrashed("other-data");
        InvalidRunException e = assertThrows(InvalidRunException.class,
                () -> TrainingRun.resume(run, dev.vaeforge.trainer.train.Squares.dataset(100, 4)));
        assertTrue(e.getMessage().startsWith("the data differs from what " + run + " was trained on: training split "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("resume with the same data and selection (dataset spec, limit, held-out split,"
                + " split fractions and seed, resize, skip-bad); the run's: seeded split: 20 test images, training seed 11"),
                e.getMessage());
    }

    @Test
    void aRunWithoutCheckpointsStartsOverAndAFinishedRunStaysFinished() throws IOException {
        Path run = copyOfCrashed("none");
        for (String c : Runs.checkpointNames(run)) {
            dev.vaeforge.runtime.io.AtomicFiles.deleteTree(run.resolve("checkpoints").resolve(c));
        }
        Runs.Recorder r = new Runs.Recorder();
        TrainingRun.resume(run, Runs.data(), r);
        assertTrue(r.warnings.get(0).endsWith("has no checkpoint yet; starting from the beginning (same seed, same"
                + " result)"), r.warnings.toString());
        assertFinishedLikeStraight(run, r, 1);

        Runs.Recorder again = new Runs.Recorder();
        TrainingRun.resume(run, Runs.data(), again);
        assertEquals(List.of("checkpoints/epoch-0003@15"), again.resumedFrom);
        assertTrue(again.losses.isEmpty());
        assertFalse(again.warnings.stream().anyMatch(w -> w.contains("unusable")));
    }
}
