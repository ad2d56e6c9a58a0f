package dev.vaeforge.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {

    @Test
    void gemmPlusReluRunsInOrtWithDynamicBatch() throws Exception {
        GraphBuilder g = new GraphBuilder("t");
        String x = g.input("x", DType.FLOAT, -1, 3);
        // y = relu(x W^T + b), W = [[1,0,0],[0,-1,0]], b = [0.5, 0.5]
        String w = g.initializer("w", new float[] {1, 0, 0, 0, -1, 0}, 2, 3);
        String b = g.initializer("b", new float[] {0.5f, 0.5f}, 2);
        String y = g.op("Gemm").in(x, w, b).attr("transB", 1L).out("gemm");
        String r = g.op("Relu").in(y).out("relu");
        g.output("y", r, DType.FLOAT, -1, 2);
        ModelProto model = g.build(Map.of("k", "v"));
        ModelProto reread = OnnxModels.parse(model.toByteArray(), "test");
        assertEquals(Map.of("k", "v"), OnnxModels.metadata(reread));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions())) {
            for (int n : new int[] {1, 4}) {
                float[] in = new float[n * 3];
                for (int i = 0; i < in.length; i++) {
                    in[i] = i - 2;
                }
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[] {n, 3});
                     OrtSession.Result res = s.run(Map.of("x", t))) {
                    float[][] out = (float[][]) res.get(0).getValue();
                    for (int i = 0; i < n; i++) {
                        float a = Math.max(0, in[i * 3] + 0.5f);
                        float c = Math.max(0, -in[i * 3 + 1] + 0.5f);
                        assertArrayEquals(new float[] {a, c}, out[i], 1e-6f);
                    }
                }
            }
        }
    }

    @Test
    void namesAreUniqueAndCountsChecked() {
        GraphBuilder g = new GraphBuilder("t");
        assertEquals("a", g.uniqueName("a"));
        assertEquals("a_1", g.uniqueName("a"));
        assertEquals("a_2", g.uniqueName("a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.initializer("w", new float[3], 2, 2));
        assertEquals("Initializer 'w' has 3 values but its shape needs 4", e.getMessage());
    }

    @Test
    void garbageIsNotAModel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxModels.parse(new byte[] {1, 2, 3, 4, 5}, "x.onnx"));
        assertEquals(true, e.getMessage().startsWith("x.onnx is not"));
    }
}
