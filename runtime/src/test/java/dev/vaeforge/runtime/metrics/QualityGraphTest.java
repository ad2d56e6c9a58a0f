package dev.vaeforge.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import java.util.List;
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
