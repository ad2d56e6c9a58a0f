package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quantize, then inspect and evaluate the int8 bundle like any other; the refusals as one line each. */
class QuantizeCliTest {
    private static final String DATA = "shapes:n=96,size=16,seed=3";

    @Test
    void quantizeInspectAndEvaluateAnInt8Bundle(@TempDir Path dir) {
        Path fp32 = TestBundles.vae(dir.resolve("fp32"));
        Path int8 = dir.resolve("int8");
        // an untrained model: the gate is what it is, so it is forced; recorded as such
        CliRun q = CliRun.of("quantize", fp32.toString(), "--calibration", DATA, "--calibration-images", "32",
                "--gate-images", "32", "--keep-fp32", "none", "--force", "--out", int8.toString());
        assertEquals(0, q.exitCode(), q::toString);
        assertTrue(q.out().contains("precision int8") && q.out().contains("gate "), q::toString);

        CliRun i = CliRun.of("inspect", int8.toString());
        assertEquals(0, i.exitCode(), i::toString);
        assertTrue(i.out().contains("precision   int8") && i.out().contains("calibration minmax on 32 images of " + DATA),
                i::toString);
        assertTrue(CliRun.of("inspect", fp32.toString()).out().contains("precision   float32"));

        Path eval = dir.resolve("eval");
        CliRun e = CliRun.of("evaluate", int8.toString(), "--data", "shapes:n=16,size=16,seed=4", "--samples", "0",
                "--out", eval.toString());
        assertEquals(0, e.exitCode(), e::toString);
        assertTrue(Files.exists(eval.resolve("report.html")), e::toString);

        CliRun again = CliRun.of("quantize", int8.toString(), "--calibration", DATA, "--calibration-images", "32",
                "--gate-images", "32", "--out", dir.resolve("x").toString());
        assertTrue(again.exitCode() != 0 && again.err().contains("already quantised"), again::toString);
        assertEquals(1, again.err().strip().lines().count(), again::toString);
    }

    @Test
    void refusesWrongShapeTooFewImagesAndAFailingGate(@TempDir Path dir) {
        Path fp32 = TestBundles.vae(dir.resolve("fp32"));
        CliRun shape = CliRun.of("quantize", fp32.toString(), "--calibration", "shapes:n=96,size=32,seed=3",
                "--calibration-images", "32", "--gate-images", "32", "--out", dir.resolve("a").toString());
        assertTrue(shape.exitCode() != 0 && shape.err().contains("has images 1x32x32, but"), shape::toString);
        CliRun few = CliRun.of("quantize", fp32.toString(), "--calibration", "shapes:n=40,size=16,seed=3",
                "--calibration-images", "32", "--gate-images", "32", "--out", dir.resolve("a").toString());
        assertTrue(few.exitCode() != 0 && few.err().contains("has 40 images"), few::toString);
        CliRun gate = CliRun.of("quantize", fp32.toString(), "--calibration", DATA, "--calibration-images", "32",
                "--gate-images", "32", "--keep-fp32", "none", "--min-psnr", "200", "--out", dir.resolve("a").toString());
        assertTrue(gate.exitCode() != 0 && gate.err().contains("fail the quality gate"), gate::toString);
        assertFalse(Files.exists(dir.resolve("a")), "nothing written");
    }

    @Test
    void theHostLineSaysWhatThisCpuMeansForInt8() {
        var gate = new dev.vaeforge.runtime.bundle.Manifest.Quantization.Gate(32, 40, 0, 0, -100, 0.01,
                java.util.Map.of("minPsnr", 35.0), true, false);
        var calibration = new dev.vaeforge.runtime.bundle.Manifest.Quantization.Calibration(DATA, "f", 32);
        var now = new dev.vaeforge.runtime.bundle.Manifest.Quantization("int8",
                "int8 symmetric per output channel, 7-bit range [-63, 63]", "uint8", "minmax", null, calibration,
                java.util.List.of(), java.util.Map.of(), "id", gate);
        var old = new dev.vaeforge.runtime.bundle.Manifest.Quantization("int8", "int8 symmetric per output channel",
                "uint8", "minmax", null, calibration, java.util.List.of(), java.util.Map.of(), "id", gate);
        var avx2 = dev.vaeforge.runtime.quantize.Int8Host.parse("model name : AMD EPYC\nflags : avx avx2 fma\n");
        var vnni = dev.vaeforge.runtime.quantize.Int8Host.parse("model name : Xeon\nflags : avx2 avx512_vnni\n");

        String slow = host(now, avx2);
        assertTrue(slow.contains("AMD EPYC") && slow.contains("no int8 dot-product") && !slow.contains("warning"), slow);
        String saturating = host(old, avx2);
        assertTrue(saturating.contains("warning") && saturating.contains("full int8 range"), saturating);
        String fast = host(old, vnni);
        assertTrue(fast.contains("has int8 dot products (avx512_vnni)") && !fast.contains("warning"), fast);
        assertEquals("", host(now, dev.vaeforge.runtime.quantize.Int8Host.parse("")));
    }

    private static String host(dev.vaeforge.runtime.bundle.Manifest.Quantization q, dev.vaeforge.runtime.quantize.Int8Host h) {
        java.io.StringWriter w = new java.io.StringWriter();
        QuantizeOptions.host(new java.io.PrintWriter(w, true), q, h);
        return w.toString();
    }
}
