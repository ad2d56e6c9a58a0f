package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.train.Squares;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory written at format 1 (weights-only checkpoints; src/test/resources/fixtures/run-format-v1)
 * still opens, loads and runs; resuming it is refused with a message that says why.
 */
class RunFormatV1FixtureTest {
    @TempDir
    Path tmp;

    private Path fixture() throws Exception {
        Path src = Path.of(getClass().getResource("/fixtures/run-format-v1/config.json").toURI()).getParent();
        Path dst = tmp.resolve("v1");
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path q = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
        return dst;
    }

    @Test
    void opensLoadsAndRuns() throws Exception {
        EngineSetup.configure(0);
        RunDirectory run = RunDirectory.open(fixture());
        assertEquals(1, run.info().formatVersion());
        assertEquals(2, run.latestCheckpoint().epoch());
        assertEquals(0, run.latestCheckpoint().position().batchesDone());
        assertEquals(2, run.metrics().size());
        assertEquals("checkpoints/epoch-0002", run.bestCheckpoint().relativeName());
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = run.loadModel(m);
            float[] x = Squares.dataset(2, 1).batch(new int[] {0, 1}, 0, 2);
            NDList out = vae.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(2, 1, 16, 16))), false);
            for (float v : out.get(0).toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void resumingIsRefusedWithTheReason() throws Exception {
        Path dir = fixture();
        InvalidRunException e = assertThrows(InvalidRunException.class,
                () -> TrainingRun.resume(dir, Squares.dataset(40, 6)));
        assertEquals(dir + " was written by run format 1, whose checkpoints hold weights only (no optimiser state, data"
                + " position or noise seed), so it cannot be resumed exactly; export it as it is, or train it again",
                e.getMessage());
        AtomicFiles.deleteTree(dir);
    }
}
