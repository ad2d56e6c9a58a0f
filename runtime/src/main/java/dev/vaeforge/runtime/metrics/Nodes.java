package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.onnx.GraphBuilder;
import java.util.Arrays;

/**
 * The few node shapes that the quality graphs repeat. Tensors here are "blocks": [B, 16, h, w] with 16
 * independent image planes as channels, so that a per-plane filter is a depthwise convolution with
 * group 16. Sixteen is the channel block of ONNX Runtime's NCHWc layout on AVX-512 (and twice the one on
 * AVX2); with it, ORT runs these convolutions with its fast direct depthwise kernels instead of im2col.
 */
final class Nodes {
    /** Planes per block; see the class comment. */
    static final int BLOCK = 16;

    private Nodes() {
    }

    static String bin(GraphBuilder g, String op, String x, String y, String hint) {
        return g.op(op).in(x, y).out(hint);
    }

    /** Mean over the spatial axes of a block tensor, one value per plane: [B, 16, h, w] -> [B, 16, 1, 1] or [B, 16]. */
    static String planeMean(GraphBuilder g, String x, boolean keepDims, String hint) {
        return g.op("ReduceMean").in(x).attrInts("axes", 2, 3).attr("keepdims", keepDims ? 1L : 0L).out(hint);
    }

    /**
     * The same kh x kw kernel applied to every plane of a block tensor (grouped convolution, group 16),
     * optionally adding {@code bias} to every output value. {@code pads} as ONNX Conv wants them.
     */
    static String depthwise(GraphBuilder g, String x, float[] kernel, int kh, int kw, float bias, long[] pads, String hint) {
        if (kernel.length != kh * kw) {
            throw new IllegalArgumentException("kernel '" + hint + "' has " + kernel.length + " values, expected " + kh + "x" + kw);
        }
        float[] weights = new float[BLOCK * kernel.length];
        for (int p = 0; p < BLOCK; p++) {
            System.arraycopy(kernel, 0, weights, p * kernel.length, kernel.length);
        }
        String w = g.initializer(hint + ".weight", weights, BLOCK, 1, kh, kw);
        GraphBuilder.NodeBuilder conv = g.op("Conv").attr("group", (long) BLOCK).attrInts("pads", pads);
        if (bias != 0f) {
            float[] b = new float[BLOCK];
            Arrays.fill(b, bias);
            conv.in(x, w, g.initializer(hint + ".bias", b, BLOCK));
        } else {
            conv.in(x, w);
        }
        return conv.out(hint);
    }

    /** Per-plane values [B, 16] -> per-image means [B * 16 / channels] (planes of one image are adjacent). */
    static String imageMean(GraphBuilder g, String perPlane, int channels, String hint) {
        String perChannel = g.op("Reshape").in(perPlane, g.ints(hint + ".shape", -1, channels)).out(hint + ".per_channel");
        return g.op("ReduceMean").in(perChannel).attrInts("axes", 1).attr("keepdims", 0L).out(hint);
    }
}
