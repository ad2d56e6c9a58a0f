package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * Every image-writing command at its largest allowed values on a tiny 16x16 bundle (issue 21): the
 * largest counts go to an .npy in a child JVM whose heap (64 MB) is smaller than the array it writes
 * (102 MB), so only chunked decoding can finish; grids too large for one PNG are refused with their
 * size; nothing ends in a stack trace without --stacktrace.
 */
class LargestValuesCliTest {
    @TempDir
    static Path tmp;
    static Path bundle;
    static Path imageA;
    static Path imageB;

    @BeforeAll
    static void setUp() throws IOException {
        bundle = TestBundles.vae(tmp.resolve("vae"));
        imageA = tmp.resolve("a.png");
        imageB = tmp.resolve("b.png");
        ImageShape s = new ImageShape(1, 16, 16);
        float[] a = new float[s.size()];
        float[] b = new float[s.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 16) / 15f;
            b[i] = (i / 16) / 15f;
        }
        ImageFiles.writePng(a, s, imageA);
        ImageFiles.writePng(b, s, imageB);
    }

    /** Runs the CLI in a child JVM with a 64 MB heap; returns its exit code and output. */
    private static CliRun child(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", Main.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "child", ".log");
        // class path in CLASSPATH, not -cp: ONNX Runtime 1.29 segfaults at init past a ~4 KB command line
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish: " + Files.readString(log));
        return new CliRun(p.exitValue(), Files.readString(log), "");
    }

    private static void assertNoStackTrace(CliRun r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception") || all.contains("Error:"), r.toString());
    }

    /** The float32 values of an .npy file and its header. */
    private static float[] readNpy(Path file, StringBuilder header) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] pre = in.readNBytes(10);
            int len = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
            header.append(new String(in.readNBytes(len), StandardCharsets.US_ASCII));
            byte[] data = in.readAllBytes();
            float[] out = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    @Test
    void largestSampleCountGoesToAnArrayInBoundedMemory() throws Exception {
        Path npy = tmp.resolve("s.npy");
        CliRun r = child("sample", bundle.toString(), "-n", "100000", "--seed", "3", "--out", npy.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertNoStackTrace(r);
        assertTrue(r.out().contains("decoding") && r.out().contains("100000/100000"), "a progress bar: " + r);
        StringBuilder header = new StringBuilder();
        float[] values = readNpy(npy, header);
        assertTrue(header.toString().contains("'shape': (100000, 1, 16, 16)"), header.toString());
        assertEquals(100_000 * 256, values.length);
        // chunked draws are the draws of one call: the first 600 samples (three chunks) as VaeRuntime gives them
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, 64)) {
            float[] expected = rt.sample(600, 3L);
            float[] got = java.util.Arrays.copyOf(values, expected.length);
            assertArrayEquals(expected, got);
        }
        Files.delete(npy);
    }

    @Test
    void largestInterpolationGoesToAnArrayInBoundedMemory() throws Exception {
        Path npy = tmp.resolve("i.npy");
        CliRun r = child("interpolate", bundle.toString(), "--from", imageA.toString(), "--to", imageB.toString(),
                "--steps", "100000", "--out", npy.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertNoStackTrace(r);
        StringBuilder header = new StringBuilder();
        float[] values = readNpy(npy, header);
        assertTrue(header.toString().contains("'shape': (100000, 1, 16, 16)"), header.toString());
        // the ends are the decoded posterior means of the two images, as the one-call interpolation has them
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, 64)) {
            float[] ends = rt.interpolate(ImageFiles.readImage(imageA, rt.imageShape(), false),
                    ImageFiles.readImage(imageB, rt.imageShape(), false), 2);
            assertArrayEquals(java.util.Arrays.copyOf(ends, 256), java.util.Arrays.copyOf(values, 256));
            assertArrayEquals(java.util.Arrays.copyOfRange(ends, 256, 512),
                    java.util.Arrays.copyOfRange(values, values.length - 256, values.length));
        }
        Files.delete(npy);
    }

    @Test
    void gridsTooLargeForOnePngAreRefusedWithTheirSize() {
        CliRun r = CliRun.of("sample", bundle.toString(), "-n", "100000", "--out", tmp.resolve("s.png").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("100000 samples of 16x16 in 317 columns would make a grid of 5708x5690 px"
                + " (31.0 Mpixel); one PNG is at most 16384 px a side and 16 Mpixel; write a folder or an array:"
                + " --out takes FILE.png (one grid), DIR/ (one PNG per image) or FILE.npy"), r.toString());
        assertFalse(Files.exists(tmp.resolve("s.png")));
        CliRun column = CliRun.of("sample", bundle.toString(), "-n", "100000", "--columns", "1", "--out",
                tmp.resolve("c.png").toString());
        assertEquals(2, column.exitCode(), column.toString());
        assertTrue(column.err().contains("would make a grid of 20x1800002 px"), column.toString());
        CliRun strip = CliRun.of("interpolate", bundle.toString(), "--from", imageA.toString(), "--to",
                imageB.toString(), "--steps", "100000", "--out", tmp.resolve("strip.png").toString());
        assertEquals(2, strip.exitCode(), strip.toString());
        assertTrue(strip.err().contains("100000 steps of 16x16 in 100000 columns would make a grid of 1800002x20 px"),
                strip.toString());
        for (String[] args : new String[][] {{"sample", bundle.toString(), "-n", "100001", "--out", "x.npy"},
                {"interpolate", bundle.toString(), "--from", imageA.toString(), "--to", imageB.toString(), "--steps",
                        "100001", "--out", "x.npy"},
                {"reconstruct", bundle.toString(), "--input", "shapes:n=8,size=16", "--batch-size", "4097", "--out",
                        tmp.resolve("r").toString()}}) {
            CliRun over = CliRun.of(args);
            assertEquals(2, over.exitCode(), over.toString());
            assertNoStackTrace(over);
        }
    }

    @Test
    void foldersGridsAndReconstructionAtTheirLimits() throws IOException {
        Path dir = tmp.resolve("samples");
        CliRun r = CliRun.of("sample", bundle.toString(), "-n", "300", "--out", dir + "/");
        assertEquals(0, r.exitCode(), r.toString());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(300, s.count());
        }
        assertTrue(Files.isRegularFile(dir.resolve("sample-00299.png")));
        assertTrue(r.err().contains("300/300"), "a progress bar: " + r);
        CliRun rec = CliRun.of("reconstruct", bundle.toString(), "--input", "shapes:n=100,size=16", "--batch-size",
                "4096", "--limit", "2147483647", "--out", tmp.resolve("recon").toString());
        assertEquals(0, rec.exitCode(), rec.toString());
        assertNoStackTrace(rec);
        assertTrue(rec.out().contains("reconstructed 100 images"), rec.toString());
        CliRun steps = CliRun.of("interpolate", bundle.toString(), "--from", imageA.toString(), "--to",
                imageB.toString(), "--steps", "910", "--out", tmp.resolve("strip.png").toString());
        assertEquals(0, steps.exitCode(), steps.toString());
    }

    @Test
    void evaluateEncodeDecodeAndTraverseAtTheirLimits() throws IOException {
        String data = "shapes:n=40,size=16";
        CliRun eval = CliRun.of("evaluate", bundle.toString(), "--data", data, "--batch-size", "4096", "--limit", "2",
                "--samples", "0", "--nll-samples", "100000", "--surgery-images", "50000", "--out",
                tmp.resolve("eval").toString());
        assertEquals(0, eval.exitCode(), eval.toString());
        assertNoStackTrace(eval);
        Path z = tmp.resolve("z.npy");
        CliRun enc = CliRun.of("encode", bundle.toString(), "--input", data, "--batch-size", "4096", "--limit",
                "2147483647", "--out", z.toString());
        assertEquals(0, enc.exitCode(), enc.toString());
        CliRun dec = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--batch-size", "4096", "--out",
                tmp.resolve("decoded.npy").toString());
        assertEquals(0, dec.exitCode(), dec.toString());
        CliRun trav = CliRun.of("traverse", bundle.toString(), "--data", data, "--dims", "0", "--steps", "1000",
                "--kl-images", "100000", "--out", tmp.resolve("t.png").toString());
        assertEquals(0, trav.exitCode(), trav.toString());
        for (String[] args : new String[][] {
            {"evaluate", bundle.toString(), "--data", data, "--samples", "10000001", "--out", tmp.resolve("e2").toString()},
            {"encode", bundle.toString(), "--input", data, "--batch-size", "4097", "--out", tmp.resolve("z2.npy").toString()},
            {"decode", bundle.toString(), "--latents", z.toString(), "--batch-size", "4097", "--out",
                tmp.resolve("d2.npy").toString()},
            {"traverse", bundle.toString(), "--data", data, "--steps", "1001", "--out", tmp.resolve("t2.png").toString()}}) {
            CliRun over = CliRun.of(args);
            assertEquals(2, over.exitCode(), over.toString());
            assertNoStackTrace(over);
            assertEquals(1, over.err().strip().lines().count(), "one line: " + over);
        }
    }
}
