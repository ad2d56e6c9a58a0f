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
