package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.ResumableAdam;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume guarantee with a real SIGKILL: a child JVM trains, is killed with
 * {@code Process.destroyForcibly()} after step 8 (the newest checkpoint is then
 * epoch-0002-batch-0002, after step 7), and {@link TrainingRun#resume} continues in this JVM. The
 * loss of every step, every epoch's metrics, the final weights and Adam's final moments equal an
 * uninterrupted run's bit for bit (CPU, same thread count). Writes the comparison to
 * target/resume-comparison.md.
 */
class ResumeAfterKillTest {
    private static final long KILL_AFTER_STEP = 8;

    @TempDir
    Path tmp;

    @Test
    void killedAndResumedRunEqualsStraightRunBitForBit() throws Exception {
        EngineSetup.configure(0);
        Runs.Recorder straight = new Runs.Recorder();
        Path straightDir = tmp.resolve("straight");
        TrainingSummary s1 = TrainingRun.run(Runs.config().build(), Runs.data(), straightDir, false, straight);
        assertEquals(Runs.STEPS, straight.losses.size());

        Path killedDir = tmp.resolve("killed");
        Path log = tmp.resolve("child-steps.txt");
        Map<Long, Float> beforeKill = runChildAndKill(killedDir, log);
        assertEquals(KILL_AFTER_STEP, beforeKill.size(), "steps the child made: " + beforeKill);
        assertFalse(Files.exists(killedDir.resolve("summary.json")));
        List<String> left = Runs.checkpointNames(killedDir);
        assertTrue(left.contains("epoch-0002-batch-0002"), "newest checkpoint before the kill: " + left);

        Runs.Recorder resumed = new Runs.Recorder();
        TrainingSummary s2 = TrainingRun.resume(killedDir, Runs.data(), resumed);
        assertEquals(List.of("checkpoints/epoch-0002-batch-0002@7"), resumed.resumedFrom);
        assertEquals(List.of(), resumed.warnings);
        assertEquals(Runs.STEPS - 7, resumed.losses.size(), "the resumed run redoes step 8 and goes on to the end");

        // the trajectory: the child's steps and the resumed steps, against the straight run
        Map<Long, Float> combined = new TreeMap<>(beforeKill);
        combined.putAll(resumed.losses);
        for (long step = 1; step <= KILL_AFTER_STEP; step++) {
            assertEquals(straight.losses.get(step), beforeKill.get(step), "child step " + step);
        }
        assertEquals(new TreeMap<>(straight.losses).tailMap(KILL_AFTER_STEP), resumed.losses, "resumed steps 8..15");
        assertEquals(straight.losses, combined);

        // epoch metrics (losses; timings differ by nature)
        RunDirectory a = RunDirectory.open(straightDir);
        RunDirectory b = RunDirectory.open(killedDir);
        assertEquals(Runs.EPOCHS, b.metrics().size());
        for (int i = 0; i < Runs.EPOCHS; i++) {
            assertEquals(losses(a.metrics().get(i)), losses(b.metrics().get(i)), "epoch " + (i + 1));
        }
        assertEquals(s1.steps(), s2.steps());
        assertEquals(s1.bestEpoch(), s2.bestEpoch());

        // final weights and optimiser state
        SessionSnapshot wa = CheckpointSnapshots.read(a.latestCheckpoint(), a.config().model());
        SessionSnapshot wb = CheckpointSnapshots.read(b.latestCheckpoint(), b.config().model());
        assertEquals(wa.weights().keySet(), wb.weights().keySet());
        wa.weights().forEach((k, v) -> assertArrayEquals(v, wb.weights().get(k), "weights " + k));
        assertEquals(wa.optimizer().numUpdate(), wb.optimizer().numUpdate());
        for (int i = 0; i < wa.optimizer().slots().size(); i++) {
            ResumableAdam.SlotState x = wa.optimizer().slots().get(i);
            ResumableAdam.SlotState y = wb.optimizer().slots().get(i);
            assertArrayEquals(x.mean(), y.mean(), "Adam m " + x.parameter());
            assertArrayEquals(x.variance(), y.variance(), "Adam v " + x.parameter());
        }
        writeComparison(straight.losses, beforeKill, resumed.losses, a.metrics(), b.metrics());
    }

    private static List<Double> losses(EpochMetrics m) {
        return List.of((double) m.epoch(), (double) m.step(), m.trainLoss(), m.trainRecon(), m.trainKl(), m.testLoss(),
                m.testRecon(), m.testKl());
    }

    private Map<Long, Float> runChildAndKill(Path run, Path log) throws Exception {
        Path marker = tmp.resolve("blocked");
        Path out = tmp.resolve("child-output.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("ai.djl.")).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add(TrainChild.class.getName());
        cmd.addAll(List.of(run.toString(), Long.toString(KILL_AFTER_STEP), log.toString(), marker.toString()));
        // class path in CLASSPATH, not -cp: ONNX Runtime 1.29 segfaults at init past a ~4 KB command line
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                if (!p.isAlive()) {
                    fail("the child exited with " + p.exitValue() + " before step " + KILL_AFTER_STEP + ":\n"
                            + Files.readString(out));
                }
                if (System.nanoTime() > deadline) {
                    fail("the child did not reach step " + KILL_AFTER_STEP + " in 120 s:\n" + Files.readString(out));
                }
                Thread.sleep(20);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks in the child
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL (128 + 9)");
        Map<Long, Float> steps = new TreeMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            String[] f = line.split(" ");
            steps.put(Long.parseLong(f[0]), Float.intBitsToFloat(Integer.parseUnsignedInt(f[1], 16)));
        }
        return steps;
    }

    private static void writeComparison(Map<Long, Float> straight, Map<Long, Float> child, Map<Long, Float> resumed,
                                        List<EpochMetrics> ma, List<EpochMetrics> mb) throws IOException {
        StringBuilder sb = new StringBuilder("# Resume comparison (ResumeAfterKillTest)\n\n");
        sb.append("Child JVM killed with SIGKILL after step ").append(KILL_AFTER_STEP)
                .append("; resumed from checkpoints/epoch-0002-batch-0002 (after step 7).\n\n");
        sb.append("| step | straight | killed run (child) | resumed | equal |\n|---:|---:|---:|---:|:---:|\n");
        for (Map.Entry<Long, Float> e : straight.entrySet()) {
            Float c = child.get(e.getKey());
            Float r = resumed.get(e.getKey());
            Float other = r != null ? r : c;
            sb.append(String.format(Locale.ROOT, "| %d | %.9g | %s | %s | %s |%n", e.getKey(), e.getValue(),
                    c == null ? "-" : String.format(Locale.ROOT, "%.9g", c),
                    r == null ? "-" : String.format(Locale.ROOT, "%.9g", r),
                    other != null && Float.floatToIntBits(other) == Float.floatToIntBits(e.getValue()) ? "bits" : "NO"));
        }
        sb.append("\n| epoch | straight train / test loss | resumed train / test loss |\n|---:|---:|---:|\n");
        for (int i = 0; i < ma.size(); i++) {
            sb.append(String.format(Locale.ROOT, "| %d | %.9g / %.9g | %.9g / %.9g |%n", i + 1, ma.get(i).trainLoss(),
                    ma.get(i).testLoss(), mb.get(i).trainLoss(), mb.get(i).testLoss()));
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "resume-comparison.md"), sb.toString());
    }
}
