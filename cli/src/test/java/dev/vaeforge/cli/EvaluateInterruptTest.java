package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code vaeforge evaluate} process interrupted with SIGINT (Ctrl-C) or killed with SIGKILL
 * half-way leaves no metrics.json and no output directory: results are staged in a hidden sibling
 * and published only when complete. After SIGINT the staging directory is removed too.
 */
class EvaluateInterruptTest {
    @TempDir
    static Path tmp;
    static Path bundle;

    @BeforeAll
    static void bundle() {
        bundle = TestBundles.vae(tmp.resolve("vae"));
    }

    private static Process evaluate(Path out, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Dvaeforge.threads=1", Main.class.getName(),
                "evaluate", bundle.toString(), "--data", "shapes:n=40000,size=16", "--samples", "0", "--batch-size", "16",
                "--out", out.toString()));
        // class path in CLASSPATH, not -cp: ONNX Runtime 1.29 segfaults at init past a ~4 KB command line
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the evaluation has staged output and reported progress, i.e. it is in the middle of its work. */
    private static void awaitWork(Process p, Path out, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (staging(out).isEmpty() || !Files.readString(log).contains("img/s")) {
            if (!p.isAlive()) {
                fail("evaluate ended (exit " + p.exitValue() + ") before it could be interrupted:\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("evaluate did not start working in 90 s:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    private static List<Path> staging(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".tmp-")).toList();
        }
    }

    private static List<Path> metricsFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("metrics.json")).toList();
        }
    }

    /**
     * Whether this process ignores SIGINT (/proc/self/status SigIgn, bit 2 - 1). A shell without job
     * control starts background commands (`cmd &`) that way, children inherit it, and the JVM then
     * installs no SIGINT handler: the child could not be interrupted however correct it is.
     */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0x2L) != 0;
            }
        }
        return false;
    }

    @Test
    void sigintLeavesNoMetricsAndNoStagingDirectory() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process tree "
                + "(started in the background by a shell without job control), so no child can receive it");
        Path parent = Files.createDirectories(tmp.resolve("int"));
        Path out = parent.resolve("eval");
        Path log = tmp.resolve("int.log");
        Process p = evaluate(out, log);
        awaitWork(p, out, log);
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "evaluate did not stop after SIGINT");
        assertEquals(130, p.exitValue(), "terminated by SIGINT (128 + 2): " + Files.readString(log));
        assertFalse(Files.exists(out), "no output directory claims to be complete");
        assertEquals(List.of(), metricsFiles(parent));
        assertEquals(List.of(), staging(out), "the shutdown hook removed the staging directory");
    }

    @Test
    void sigkillLeavesNoMetricsUnderTheOutputName() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("kill"));
        Path out = parent.resolve("eval");
        Path log = tmp.resolve("kill.log");
        Process p = evaluate(out, log);
        awaitWork(p, out, log);
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
        assertFalse(Files.exists(out), "no output directory claims to be complete");
        assertEquals(List.of(), metricsFiles(parent), "a staged metrics.json is written last and only ever published whole");
    }
}
