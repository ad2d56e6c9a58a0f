package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path run;

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    private static EpochMetrics metrics(int epoch, double testLoss) {
        return new EpochMetrics(epoch, epoch * 10L, 1, 1, 0, testLoss, testLoss, 0, 100, 1);
    }

    private static Model tinyModel(boolean initialised) {
        Model m = Model.newInstance("vae");
        m.setBlock(Linear.builder().setUnits(2).build());
        if (initialised) {
            m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
        }
        return m;
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesCompleteCheckpointsAndLeavesNoTemporaries() throws Exception {
        try (Model m = tinyModel(true)) {
            Checkpoint c = new CheckpointStore(run, 3).save(m, metrics(1, 5));
            assertEquals(List.of("epoch-0001"), entries());
            assertEquals(List.of("checkpoint.json", "checkpoint.sha256", "vae.params"),
                    Files.list(c.directory()).map(p -> p.getFileName().toString()).sorted().toList());
            assertEquals(Hashing.sha256(c.paramsFile()), c.info().paramsSha256());
            assertEquals(c, CheckpointStore.list(run).get(0));
        }
    }

    @Test
    void aFailedWriteLeavesNoCheckpoint() throws Exception {
        CheckpointStore store = new CheckpointStore(run, 3);
        try (Model m = tinyModel(false)) {
            // an uninitialised block has no weights to check or save
            assertThrows(RuntimeException.class, () -> store.save(m, metrics(1, 5)));
        }
        assertEquals(List.of(), entries());
        assertTrue(CheckpointStore.list(run).isEmpty());
    }

    @Test
    void aCrashedWriteIsIgnoredAndCleanedUp() throws Exception {
        try (Model m = tinyModel(true)) {
            new CheckpointStore(run, 3).save(m, metrics(1, 5));
        }
        // what a killed process leaves: a temporary directory with part of a checkpoint
        Path partial = run.resolve("checkpoints/.tmp-epoch-0002-1234");
        Files.createDirectories(partial);
        Files.write(partial.resolve("vae-0002.params"), new byte[] {1, 2, 3});
        assertEquals(List.of(1), CheckpointStore.list(run).stream().map(Checkpoint::epoch).toList());
        new CheckpointStore(run, 3);
        assertEquals(List.of("epoch-0001"), entries());
    }

    @Test
    void nonFiniteWeightsNeverReachACheckpoint() throws Exception {
        CheckpointStore store = new CheckpointStore(run, 3);
        try (Model m = tinyModel(true)) {
            m.getBlock().getParameters().get(0).getValue().getArray().set(new float[] {1, Float.NaN, 2, 3, 4, 5});
            dev.vaeforge.trainer.train.NumericalFaultException e = assertThrows(
                    dev.vaeforge.trainer.train.NumericalFaultException.class, () -> store.save(m, metrics(1, 5)));
            assertEquals("refusing to write checkpoint epoch-0001: parameter 'weight' holds NaN; NaN or infinite weights"
                    + " never reach a checkpoint", e.getMessage());
        }
        assertEquals(List.of(), entries());
    }

    @Test
    void keepsTheLatestAndTheBest() throws Exception {
        double[] testLoss = {5, 1, 4, 3, 2};
        CheckpointStore store = new CheckpointStore(run, 2);
        try (Model m = tinyModel(true)) {
            for (int e = 1; e <= testLoss.length; e++) {
                store.save(m, metrics(e, testLoss[e - 1]));
            }
        }
        assertEquals(List.of("epoch-0002", "epoch-0004", "epoch-0005"), entries());
        assertEquals(2, CheckpointStore.best(CheckpointStore.list(run)).orElseThrow().epoch());
        assertFalse(entries().stream().anyMatch(n -> n.startsWith(".")));
    }
}
