package dev.vaeforge.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QualityGraphTest {
    @Test
    void contractHasDynamicBatchAndSizeAndFixedChannels() {
        ModelProto m = QualityGraph.build(3, QualityGraph.Kind.BOTH);
        List<ValueInfoProto> in = m.getGraph().getInputList();
        assertEquals(List.of("a", "b"), in.stream().map(ValueInfoProto::getName).collect(Collectors.toList()));
        var dims = in.get(0).getType().getTensorType().getShape().getDimList();
        assertEquals("N", dims.get(0).getDimParam());
        assertEquals(3, dims.get(1).getDimValue());
        assertEquals(false, dims.get(2).hasDimValue());
        assertEquals(false, dims.get(3).hasDimValue());
        assertEquals(List.of("ssim", "gmsd"), m.getGraph().getOutputList().stream().map(ValueInfoProto::getName).collect(Collectors.toList()));
        assertEquals("both", OnnxModels.metadata(m).get("vaeforge.metrics"));
        assertEquals(List.of("gmsd"), QualityGraph.build(1, QualityGraph.Kind.GMSD).getGraph().getOutputList().stream()
                .map(ValueInfoProto::getName).collect(Collectors.toList()));
    }

    @Test
    void thePublicGraphPadsAnyBatchSizeItself() throws Exception {
        // ImageQualityMetrics pads on the Java side and runs the variant without Pad; this runs the other one
        ImageShape s = new ImageShape(3, 13, 17);
        int n = 5;
        float[][] ab = TestImages.pair(s, n, false, 5);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = ImageQualityMetrics.defaultOptions();
             OrtSession session = env.createSession(QualityGraph.build(3, QualityGraph.Kind.BOTH).toByteArray(), o);
             OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(ab[0]), s.batchShape(n));
             OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(ab[1]), s.batchShape(n));
             OrtSession.Result r = session.run(Map.of("a", a, "b", b))) {
            float[] ssim = (float[]) r.get("ssim").orElseThrow().getValue();
            float[] gmsd = (float[]) r.get("gmsd").orElseThrow().getValue();
            assertEquals(n, ssim.length);
            for (int i = 0; i < n; i++) {
                assertEquals(ReferenceQuality.ssim(ab[0], ab[1], i, s), ssim[i], 1e-5);
                assertEquals(ReferenceQuality.gmsd(ab[0], ab[1], i, s), gmsd[i], 1e-5);
            }
        }
    }

    @Test
    void channelsOtherThanGrayOrRgbAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QualityGraph.build(4, QualityGraph.Kind.SSIM));
        assertEquals("channels must be 1 (gray) or 3 (RGB), got 4", e.getMessage());
    }

    @Test
    void gaussianWindowIsSkimages() {
        double[] g = QualityConstants.ssimGaussian();
        assertEquals(11, g.length);
        assertEquals(5, QualityConstants.SSIM_RADIUS);
        double sum = 0;
        for (double v : g) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-15);
        // exp(-x^2 / 4.5) normalised: centre / edge ratio is exp(25 / 4.5)
        assertEquals(Math.exp(25 / 4.5), g[5] / g[0], 1e-9);
    }
}
