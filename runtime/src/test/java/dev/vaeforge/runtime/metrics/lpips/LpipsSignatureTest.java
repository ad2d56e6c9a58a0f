package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way an LPIPS graph can be wrong is refused with one message naming the file, expected and found. */
class LpipsSignatureTest {
    @TempDir
    Path dir;

    @Test
    void oneInput() throws Exception {
        Path f = save("lpips.onnx", g -> {
            String x = g.input("x", DType.FLOAT, -1, 3, 64, 64);
            g.output("d", mean(g, x, true), DType.FLOAT, -1, 1, 1, 1);
        });
        assertRefused(f, f + ": expected 2 float32 inputs [N,3,H,W], found 1 input x:float32[N,3,64,64]");
    }

    @Test
    void integerInput() throws Exception {
        Path f = save("int.onnx", g -> {
            String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
            String b = g.input("b", DType.INT64, -1, 3, -1, -1);
            String bf = g.op("Cast").in(b).attr("to", (long) DType.FLOAT.onnxCode()).out("bf");
            g.output("d", mean(g, g.op("Sub").in(a, bf).out("s"), true), DType.FLOAT, -1, 1, 1, 1);
        });
        assertRefused(f, f + ": expected 2 float32 inputs [N,3,H,W], found 2 inputs a:float32[N,3,d2,d3], b:int64[N,3,d2,d3]");
    }

    @Test
    void grayInputs() throws Exception {
        Path f = save("gray.onnx", g -> twoInputs(g, new long[] {-1, 1, 64, 64}));
        assertRefused(f, f + ": expected 2 float32 inputs [N,3,H,W], found 2 inputs a:float32[N,1,64,64], b:float32[N,1,64,64]");
    }

    @Test
    void fixedBatch() throws Exception {
        Path f = save("batch1.onnx", g -> {
            String a = g.input("a", DType.FLOAT, 1, 3, 64, 64);
            String b = g.input("b", DType.FLOAT, 1, 3, 64, 64);
            g.output("d", mean(g, g.op("Sub").in(a, b).out("s"), true), DType.FLOAT, 1, 1, 1, 1);
        });
        assertRefused(f, f + ": expected 2 float32 inputs [N,3,H,W], found 2 inputs a:float32[1,3,64,64], b:float32[1,3,64,64];"
                + " the batch dimension N must be dynamic (torch.onnx.export with dynamic_axes on dimension 0)");
    }

    @Test
    void fixedSizeOtherThanTheImages() throws Exception {
        Path f = save("fixed64.onnx", g -> twoInputs(g, new long[] {-1, 3, 64, 64}));
        try (LpipsModel m = LpipsModel.open(f, Device.CPU)) {
            ImageShape shape = new ImageShape(3, 32, 48);
            VaeforgeException e = assertThrows(VaeforgeException.class, () -> m.check(shape));
            assertEquals(f + ": input a expects images of 64x64 (height x width), found 32x48", e.getMessage());
            assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
            e = assertThrows(VaeforgeException.class,
                    () -> m.distance(new float[shape.size()], new float[shape.size()], 1, shape));
            assertEquals(f + ": input a expects images of 64x64 (height x width), found 32x48", e.getMessage());
            m.check(new ImageShape(1, 64, 64));
        }
    }

    @Test
    void integerOutput() throws Exception {
        Path f = save("intout.onnx", g -> {
            String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
            String b = g.input("b", DType.FLOAT, -1, 3, -1, -1);
            String m = mean(g, g.op("Sub").in(a, b).out("s"), true);
            g.output("d", g.op("Cast").in(m).attr("to", (long) DType.INT64.onnxCode()).out("i"), DType.INT64, -1, 1, 1, 1);
        });
        assertRefused(f, f + ": expected 1 float32 output [N,1,1,1] or [N], found 1 output d:int64[N,1,1,1]");
    }

    @Test
    void threeOutputs() throws Exception {
        Path f = save("three.onnx", g -> {
            String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
            String b = g.input("b", DType.FLOAT, -1, 3, -1, -1);
            String m = mean(g, g.op("Sub").in(a, b).out("s"), true);
            for (String name : new String[] {"d", "e", "f"}) {
                g.output(name, m, DType.FLOAT, -1, 1, 1, 1);
            }
        });
        assertRefused(f, f + ": expected 1 float32 output [N,1,1,1] or [N], found 3 outputs"
                + " d:float32[N,1,1,1], e:float32[N,1,1,1], f:float32[N,1,1,1]");
    }

    @Test
    void perChannelOutput() throws Exception {
        Path f = save("perchannel.onnx", g -> {
            String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
            String b = g.input("b", DType.FLOAT, -1, 3, -1, -1);
            String s = g.op("Sub").in(a, b).out("s");
            g.output("d", g.op("ReduceMean").in(s).attrInts("axes", 2, 3).attr("keepdims", 0L).out("m"), DType.FLOAT, -1, 3);
        });
        assertRefused(f, f + ": expected 1 float32 output [N,1,1,1] or [N], found 1 output d:float32[N,3]");
    }

    @Test
    void notOnnxAtAll() throws Exception {
        Path f = dir.resolve("notes.onnx");
        Files.writeString(f, "this is not a model\n", StandardCharsets.UTF_8);
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> LpipsModel.open(f, Device.CPU));
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
        assertTrue(e.getMessage().startsWith(f + " is not"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(expected an LPIPS graph exported with torch.onnx.export;"
                + " see the runtime README, section LPIPS)"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("absent.onnx");
        assertRefused(f, f + ": no such file (expected an LPIPS ONNX graph)");
    }

    @Test
    void graphOrtCannotLoad() throws Exception {
        Path f = save("unknownop.onnx", g -> {
            String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
            String b = g.input("b", DType.FLOAT, -1, 3, -1, -1);
            g.output("d", g.op("NoSuchOp").in(a, b).out("x"), DType.FLOAT, -1, 1, 1, 1);
        });
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> LpipsModel.open(f, Device.CPU));
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
        assertTrue(e.getMessage().startsWith(f + ": ONNX Runtime cannot load this graph (expected an LPIPS graph): "),
                e.getMessage());
    }

    private static void assertRefused(Path f, String message) {
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> LpipsModel.open(f, Device.CPU));
        assertEquals(message, e.getMessage());
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
    }

    private Path save(String name, Consumer<GraphBuilder> body) throws Exception {
        GraphBuilder g = new GraphBuilder("wrong");
        body.accept(g);
        Path f = dir.resolve(name);
        Files.write(f, g.build(Map.of()).toByteArray());
        return f;
    }

    private static void twoInputs(GraphBuilder g, long[] shape) {
        String a = g.input("a", DType.FLOAT, shape);
        String b = g.input("b", DType.FLOAT, shape);
        g.output("d", mean(g, g.op("Sub").in(a, b).out("s"), true), DType.FLOAT, -1, 1, 1, 1);
    }

    private static String mean(GraphBuilder g, String x, boolean keepDims) {
        return g.op("ReduceMean").in(x).attrInts("axes", 1, 2, 3).attr("keepdims", keepDims ? 1L : 0L).out("mean");
    }
}
