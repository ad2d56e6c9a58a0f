package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.LossTotals;
import dev.vaeforge.trainer.train.Squares;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.vae.ConvVae;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    static Path shared;
    static Path good;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainOnce() throws IOException {
        good = shared.resolve("good");
        TrainingRun.run(Squares.config().optEpochs(1).build(), Squares.dataset(40, 6), good, false);
    }

    private Path copy() throws IOException {
        Path dst = tmp.resolve("run");
        try (Stream<Path> s = Files.walk(good)) {
            for (Path p : s.toList()) {
                Path q = dst.resolve(good.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dst;
    }

    private static String failure(Path dir) {
        return assertThrows(InvalidRunException.class, () -> RunDirectory.open(dir)).getMessage();
    }

    @Test
    void missingDirectory() {
        Path dir = tmp.resolve("nope");
        assertEquals("run directory " + dir + " does not exist", failure(dir));
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("config.json"));
        assertEquals(dir.resolve("config.json") + " is missing; " + dir
                + " is not a run directory written by vaeforge train", failure(dir));
    }

    @Test
    void corruptConfig() throws IOException {
        Path dir = copy();
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).substring(0, 100));
        String msg = failure(dir);
        assertTrue(msg.startsWith("corrupt run config: " + cfg + ": not valid JSON (line "), msg);

        Files.writeString(cfg, Files.readString(good.resolve("config.json")).replace("\"epochs\"", "\"epoch\""));
        msg = failure(dir);
        assertTrue(msg.startsWith("corrupt run config: " + cfg + ": unknown field 'epoch' in $.config;"), msg);

        Files.writeString(cfg, Files.readString(good.resolve("config.json")).replace("\"formatVersion\" : 2",
                "\"formatVersion\" : 7"));
        assertEquals(cfg + " has formatVersion 7; this vaeforge reads run format 1..2, use a newer vaeforge",
                failure(dir));
    }

    @Test
    void noCheckpoints() throws IOException {
        Path dir = copy();
        AtomicFiles.deleteTree(dir.resolve("checkpoints/epoch-0001"));
        assertEquals(dir.resolve("checkpoints") + " holds no checkpoint (expected epoch-NNNN directories); the run"
                + " stopped before its first checkpoint", failure(dir));
    }

    @Test
    void tamperedParameters() throws IOException {
        Path dir = copy();
        Path params = dir.resolve("checkpoints/epoch-0001/vae.params");
        byte[] b = Files.readAllBytes(params);
        b[b.length - 1] ^= 1;
        Files.write(params, b);
        String msg = failure(dir);
        assertTrue(msg.startsWith(params + " has sha256 "), msg);
        assertTrue(msg.endsWith(" but checkpoint.json expects " + RunDirectory.open(good).latestCheckpoint().info()
                .paramsSha256() + "; the file is corrupt or was changed after training"), msg);

        Files.delete(params);
        assertEquals(params + " is missing; " + dir.resolve("checkpoints/epoch-0001/checkpoint.json")
                + " lists it as the checkpoint's parameter file", failure(dir));
    }

    @Test
    void checkpointWithoutMetadata() throws IOException {
        Path dir = copy();
        Path json = dir.resolve("checkpoints/epoch-0001/checkpoint.json");
        Files.writeString(json, "{\"epoch\": 1,");
        assertTrue(failure(dir).startsWith("corrupt checkpoint: " + json + ": not valid JSON"));
        Files.writeString(json, Files.readString(good.resolve("checkpoints/epoch-0001/checkpoint.json"))
                .replace("\"vae.params\"", "\"../../config.json\""));
        assertEquals(json + " names parameter file '../../config.json'; expected a plain file name inside "
                + json.getParent(), failure(dir));
        Files.delete(json);
        assertTrue(failure(dir).startsWith(json + " is missing;"));
    }

    @Test
    void editedCheckpointJsonFailsItsChecksum() throws IOException {
        Path dir = copy();
        Path json = dir.resolve("checkpoints/epoch-0001/checkpoint.json");
        Files.writeString(json, Files.readString(json).replaceFirst("\"createdAt\" : \"", "\"createdAt\" : \"1"));
        String msg = failure(dir);
        assertTrue(msg.startsWith(json + " has sha256 "), msg);
        assertTrue(msg.endsWith(" records " + Files.readString(json.resolveSibling("checkpoint.sha256")).split(" ")[0]
                + "; the file is corrupt or was changed after training"), msg);
        Files.delete(json.resolveSibling("checkpoint.sha256"));
        assertEquals(json.resolveSibling("checkpoint.sha256") + " is missing; a format-2 checkpoint is complete only"
                + " with it", failure(dir));
    }

    @Test
    void corruptMetricsLine() throws IOException {
        Path dir = copy();
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\": 1, \"loss\": 2}\n");
        String msg = failure(dir);
        assertTrue(msg.startsWith(dir.resolve("metrics.jsonl") + " line 1: unknown field 'loss' in $;"), msg);
    }

    @Test
    void loadedCheckpointGivesBitIdenticalInference() throws IOException {
        EngineSetup.configure(0);
        ArrayDataset data = Squares.dataset(48, 8);
        TrainConfig cfg = Squares.config().build();
        Path dir = tmp.resolve("bits");
        RunWriter writer = RunWriter.create(dir, RunInfo.create(cfg, DatasetInfo.of("squares", data, data, data)), false);
        float[] x = data.batch(new int[] {0, 1, 2}, 0, 3);
        float[][] before;
        try (TrainingSession s = new TrainingSession(cfg, Device.cpu())) {
            LossTotals t = s.trainEpoch(data, 1, (step, n, m) -> { });
            writer.checkpoints().save(s.model(), new EpochMetrics(1, t.steps(), t.meanTotal(), t.meanRecon(),
                    t.meanKl(), 0, 0, 0, 1, 1));
            try (NDManager m = s.model().getNDManager().newSubManager()) {
                NDList out = s.model().getBlock().forward(new ParameterStore(m, false),
                        new NDList(m.create(x, new Shape(3, 1, 16, 16))), false);
                before = arrays(out);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = RunDirectory.open(dir).loadModel(m);
            NDList out = vae.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(3, 1, 16, 16))),
                    false);
            float[][] after = arrays(out);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(before[i], after[i], "output " + i);
            }
        }
    }

    private static float[][] arrays(NDList list) {
        float[][] out = new float[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            NDArray a = list.get(i);
            out[i] = a.toFloatArray();
        }
        return out;
    }
}
