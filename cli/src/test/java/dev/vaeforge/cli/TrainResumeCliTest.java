package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vaeforge train --resume, --on-nan and --checkpoint-every through the CLI. */
class TrainResumeCliTest {
    @TempDir
    Path tmp;

    private static List<String> losses(Path run) throws IOException {
        // metrics.csv without the timing columns (imagesPerSecond, seconds), which differ run to run
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> String.join(",", List.of(l.split(",")).subList(0, 8))).toList();
    }

    @Test
    void resumeContinuesAnInterruptedRunToTheSameNumbers() throws IOException {
        Path run = tmp.resolve("run");
        CliRun t = CliRun.of("train", "--data", "shapes:n=48,size=16", "--epochs", "2", "--batch-size", "8",
                "--latent-dim", "3", "--widths", "8", "--checkpoint-every", "2", "--on-nan", "skip", "--out", run.toString());
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"onNan\" : \"skip\""));
        List<String> straight = losses(run);

        // what a kill during epoch 2 leaves: no summary, no epoch-0002, the checkpoints before it
        Files.delete(run.resolve("summary.json"));
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().equals("epoch-0002")) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
        CliRun r = CliRun.of("train", "--resume", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("resuming from checkpoints/epoch-0002-batch-0004 (after step 9)"), r.toString());
        assertTrue(r.out().contains("run directory  " + run.toAbsolutePath()), r.toString());
        assertEquals(straight, losses(run));
        assertTrue(Files.isRegularFile(run.resolve("summary.json")));
    }

    /** What a kill -9 during epoch 2 leaves: no summary, no epoch-0002 checkpoint, the checkpoints before it. */
    private static void crashDuringEpoch2(Path run) throws IOException {
        Files.delete(run.resolve("summary.json"));
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().equals("epoch-0002")) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    @Test
    void resumeAloneReusesTheRecordedDataSelection() throws IOException {
        Path run = tmp.resolve("limited");
        String data = "shapes:n=120,size=16,seed=3";
        CliRun t = CliRun.of("train", "--data", data, "--limit", "24", "--split", "valid", "--valid-fraction", "0.2",
                "--test-fraction", "0.25", "--split-seed", "5", "--epochs", "2", "--batch-size", "8", "--latent-dim", "3",
                "--widths", "8", "--checkpoint-every", "2", "--seed", "7", "--out", run.toString());
        assertEquals(0, t.exitCode(), t.toString());
        String config = Files.readString(run.resolve("config.json"));
        assertTrue(config.contains("\"limit\" : 24") && config.contains("\"heldOut\" : \"valid\"")
                && config.contains("\"splitSeed\" : 5") && config.contains("\"validFraction\" : 0.2"), config);
        List<String> straight = losses(run);

        crashDuringEpoch2(run);
        CliRun r = CliRun.of("train", "--resume", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("resuming from checkpoints/epoch-0002-batch-0002"), r.toString());
        assertEquals(straight, losses(run));

        // options that contradict the run are refused by name, with both values; before anything is trained
        assertFails(2, "--limit contradicts " + run + ": the run was trained with --limit 24, given 32", "train",
                "--resume", run.toString(), "--limit", "32");
        assertFails(2, "--split contradicts " + run + ": the run was trained with --split valid, given test", "train",
                "--resume", run.toString(), "--split", "test");
        assertFails(2, "--split-seed contradicts " + run + ": the run was trained with --split-seed 5, given 0", "train",
                "--resume", run.toString(), "--split-seed", "0");
        assertFails(2, "--valid-fraction contradicts " + run + ": the run was trained with --valid-fraction 0.2, given"
                + " 0.1", "train", "--resume", run.toString(), "--valid-fraction", "0.1");
        assertFails(2, "--test-fraction contradicts " + run + ": the run was trained with --test-fraction 0.25, given"
                + " 0.1", "train", "--resume", run.toString(), "--test-fraction", "0.1");
        assertFails(2, "--data contradicts " + run + ": the run was trained with --data " + data + ", given shapes",
                "train", "--resume", run.toString(), "--data", "shapes");
        assertFails(2, "--resize contradicts " + run + ": the run was trained with --resize off, given on",
                "train", "--resume", run.toString(), "--resize");

        // options that agree are accepted, and the result is the same again
        crashDuringEpoch2(run);
        CliRun agreeing = CliRun.of("train", "--resume", run.toString(), "--data", data, "--limit", "24", "--split",
                "VALID", "--split-seed", "5", "--valid-fraction", "0.2", "--test-fraction", "0.25");
        assertEquals(0, agreeing.exitCode(), agreeing.toString());
        assertEquals(straight, losses(run));
    }

    @Test
    void badUsesOfResumeAndNanOptions() {
        Path run = tmp.resolve("r");
        assertFails(2, "give --out RUN for a new run, or --resume RUN to continue one", "train", "--epochs", "1");
        assertFails(2, "--on-nan: unknown NaN policy 'maybe', expected stop, skip or rollback", "train", "--on-nan",
                "maybe", "--out", run.toString());
        assertFails(2, "--resume continues " + run + " with its own config.json; remove --epochs, --learning-rate (to train"
                + " differently, start a new run)", "train", "--resume", run.toString(), "--epochs", "5", "--lr", "0.1");
        assertFails(4, "run directory " + run + " does not exist", "train", "--resume", run.toString());
    }

    private static void assertFails(int code, String fragment, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r);
        assertTrue(r.err().contains(fragment), "expected <" + fragment + ">: " + r);
    }
}
