package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LpipsModel on the built AlexNet graph: [0,1] inputs, gray images, batching, threads, closing. */
class LpipsModelTest {
    @TempDir
    static Path dir;
    private static Path file;
    private static LpipsModel model;

    @BeforeAll
    static void open() throws Exception {
        file = dir.resolve("lpips.onnx");
        Files.write(file, LpipsAlexNetGraph.build(LpipsAlexNetGraphTest.WEIGHTS).toByteArray());
        model = LpipsModel.open(file, Device.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void unitRangeImagesGiveTheReferenceDistanceOfTheirSignedVersions() {
        ImageShape shape = new ImageShape(3, 64, 64);
        SplittableRandom rnd = new SplittableRandom(21);
        float[] a = unitImages(rnd, 3, shape);
        float[] b = unitImages(rnd, 3, shape);
        double[] got = model.distance(a, b, 3, shape);
        for (int i = 0; i < 3; i++) {
            double want = LpipsReference.distance(LpipsAlexNetGraphTest.WEIGHTS, signed(a, i, shape), signed(b, i, shape), 64, 64);
            assertEquals(want, got[i], 1e-4 * want, "pair " + i);
        }
    }

    @Test
    void grayImagesAreReplicatedToRgb() {
        ImageShape gray = new ImageShape(1, 32, 48);
        ImageShape rgb = new ImageShape(3, 32, 48);
        SplittableRandom rnd = new SplittableRandom(22);
        float[] a = unitImages(rnd, 2, gray);
        float[] b = unitImages(rnd, 2, gray);
        double[] got = model.distance(a, b, 2, gray);
        assertArrayEquals(model.distance(replicated(a, 2, gray), replicated(b, 2, gray), 2, rgb), got, 0);
        double want = LpipsReference.distance(LpipsAlexNetGraphTest.WEIGHTS, signed(replicated(a, 2, gray), 1, rgb),
                signed(replicated(b, 2, gray), 1, rgb), 32, 48);
        assertEquals(want, got[1], 1e-4 * want);
    }

    @Test
    void aBatchAcrossChunksEqualsOnePairAtATime() {
        int n = LpipsModel.CHUNK + 3;
        ImageShape shape = new ImageShape(3, 32, 48);
        SplittableRandom rnd = new SplittableRandom(23);
        float[] a = unitImages(rnd, n, shape);
        float[] b = unitImages(rnd, n, shape);
        double[] batched = model.distance(a, b, n, shape);
        for (int i = 0; i < n; i++) {
            double single = model.distance(LpipsAlexNetGraphTest.slice(a, i, shape.size()),
                    LpipsAlexNetGraphTest.slice(b, i, shape.size()), 1, shape)[0];
            assertEquals(single, batched[i], 1e-6 * single, "pair " + i);
        }
    }

    @Test
    void threadsSharingOneModelGetTheSequentialResults() throws Exception {
        ImageShape shape = new ImageShape(3, 32, 32);
        SplittableRandom rnd = new SplittableRandom(24);
        float[] a = unitImages(rnd, 4, shape);
        float[] b = unitImages(rnd, 4, shape);
        double[] sequential = model.distance(a, b, 4, shape);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> model.distance(a, b, 4, shape)));
            }
            for (Future<double[]> f : results) {
                assertArrayEquals(sequential, f.get(), 1e-6 * sequential[0]);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void descriptionNamesTheFileBackboneAndHash() throws Exception {
        assertEquals("lpips.onnx (LPIPS-alex, sha256 " + Hashing.sha256(file).substring(0, 12) + ")", model.description());
        assertEquals(Hashing.sha256(file), model.sha256());
    }

    @Test
    void graphInputsAreTakenInGraphOrderWhateverTheirNames() throws Exception {
        // d = mean(first input): names sorted or hashed would put "alpha" first
        GraphBuilder g = new GraphBuilder("order");
        String zeta = g.input("zeta", DType.FLOAT, -1, 3, -1, -1);
        g.input("alpha", DType.FLOAT, -1, 3, -1, -1);
        g.output("dist", g.op("ReduceMean").in(zeta).attrInts("axes", 1, 2, 3).attr("keepdims", 0L).out("m"), DType.FLOAT, -1);
        Path f = dir.resolve("order.onnx");
        Files.write(f, g.build(Map.of()).toByteArray());
        ImageShape shape = new ImageShape(1, 32, 32);
        float[] a = new float[2 * shape.size()];
        java.util.Arrays.fill(a, shape.size(), a.length, 0.75f);
        try (LpipsModel m = LpipsModel.open(f, Device.CPU)) {
            // 0 -> -1 and 0.75 -> 0.5: the [0,1] -> [-1,1] mapping; b is ignored by this graph
            assertArrayEquals(new double[] {-1, 0.5}, m.distance(a, new float[a.length], 2, shape), 1e-6);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        ImageShape shape = new ImageShape(3, 32, 32);
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> model.distance(new float[shape.size()], new float[2 * shape.size()], 2, shape));
        assertEquals("LPIPS images a: 3072 values, expected 2 x 3x32x32 = 6144", e.getMessage());
        ImageShape small = new ImageShape(1, 28, 28);
        e = assertThrows(VaeforgeException.class, () -> model.check(small));
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
        assertEquals("LPIPS-alex needs images of at least 31x31 (height x width), found 28x28; resize them first"
                + " (e.g. 28x28 digits to 32x32)", e.getMessage());
        assertThrows(VaeforgeException.class, () -> model.distance(new float[784], new float[784], 1, small));
    }

    @Test
    void closingTwiceIsHarmlessAndLaterUseIsRefused() throws Exception {
        LpipsModel m = LpipsModel.open(file, Device.CPU);
        m.close();
        m.close();
        ImageShape shape = new ImageShape(3, 32, 32);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.distance(new float[shape.size()], new float[shape.size()], 1, shape));
        assertTrue(e.getMessage().contains("lpips.onnx"), e.getMessage());
    }

    static float[] unitImages(SplittableRandom rnd, int n, ImageShape shape) {
        float[] x = new float[n * shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return x;
    }

    /** Image {@code i} mapped to [-1,1] in float, as LpipsModel maps it, for the reference. */
    private static float[] signed(float[] x, int i, ImageShape shape) {
        float[] out = LpipsAlexNetGraphTest.slice(x, i, shape.size());
        for (int k = 0; k < out.length; k++) {
            out[k] = 2 * out[k] - 1;
        }
        return out;
    }

    private static float[] replicated(float[] gray, int n, ImageShape shape) {
        int plane = shape.height() * shape.width();
        float[] out = new float[n * 3 * plane];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(gray, i * plane, out, (i * 3 + c) * plane, plane);
            }
        }
        return out;
    }
}
