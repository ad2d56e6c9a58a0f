package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @Test
    void showsFamilyGraphsAndParity(@TempDir Path tmp) {
        Path bundle = TestBundles.vae(tmp.resolve("b"));
        CliRun r = CliRun.of("inspect", bundle.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("family      vae"), r.toString());
        assertTrue(r.out().contains("encoder       encoder.onnx"), r.toString());
        assertTrue(r.out().contains("inputs    [x:float32[N,1,16,16]]"), r.toString());
        assertTrue(r.out().contains("parity      max |ORT - DJL|"), r.toString());
        CliRun json = CliRun.of("inspect", "--json", bundle.toString());
        assertTrue(json.out().contains("\"format\" : \"vaeforge-bundle\""), json.toString());
    }

    @Test
    void tamperedBundleIsOneLineAndExitCode3(@TempDir Path tmp) throws Exception {
        Path bundle = TestBundles.vae(tmp.resolve("b"));
        Files.writeString(bundle.resolve("decoder.onnx"), "x", java.nio.file.StandardOpenOption.APPEND);
        CliRun r = CliRun.of("inspect", bundle.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().startsWith("vaeforge: " + bundle.resolve("decoder.onnx") + ": sha256 is "), r.toString());
        assertFalse(r.err().contains("at dev.vaeforge"), "no stack trace without --stacktrace");
        CliRun traced = CliRun.of("inspect", "--stacktrace", bundle.toString());
        assertTrue(traced.err().contains("at dev.vaeforge"), traced.toString());
    }

    @Test
    void usageErrorsExitWith2() {
        CliRun r = CliRun.of("inspect");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Missing required parameter: 'BUNDLE'"), r.toString());
        assertEquals(2, CliRun.of("frobnicate").exitCode());
    }

    @Test
    void helpWorks() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Exit codes:"), r.toString());
        assertEquals(0, CliRun.of("inspect", "--help").exitCode());
    }
}
