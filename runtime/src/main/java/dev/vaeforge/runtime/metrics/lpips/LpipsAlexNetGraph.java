package dev.vaeforge.runtime.metrics.lpips;

import dev.vaeforge.runtime.metrics.lpips.LpipsWeights.ConvSpec;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the LPIPS-AlexNet v0.1 graph (Zhang et al. 2018) with given weights, in the same contract
 * as an official export: inputs {@code a} and {@code b}, float32 {@code [N,3,H,W]} in [-1,1],
 * output {@code d} float32 {@code [N,1,1,1]}. It exists so the LPIPS path can be tested end to end
 * without the pretrained weights, and so users holding those weights need no Python to use them.
 *
 * <p>Per image: {@code (x - shift) / scale}, then AlexNet's features, tapped after each of the five
 * ReLUs. Per tap: unit-normalise over channels ({@code f / (sqrt(sum_c f^2) + 1e-10)}), square the
 * difference of the two images' maps, weight the channels with the non-negative linear layer (a 1x1
 * convolution without bias) and average over space. The distance is the sum over the five taps.
 * Both images use the same initializers.
 */
public final class LpipsAlexNetGraph {
    /** LPIPS's ScalingLayer constants (ImageNet statistics in [-1,1] units). */
    static final float[] SHIFT = {-0.030f, -0.088f, -0.188f};
    static final float[] SCALE = {0.458f, 0.448f, 0.450f};
    static final float EPS = 1e-10f;
    /**
     * The smallest height or width AlexNet's features accept: below it the second max pooling has
     * fewer than 3 pixels to pool (64 gives maps of 15, 7, 3, 3, 3 pixels a side).
     */
    public static final int MIN_SIDE = 31;

    private LpipsAlexNetGraph() {
    }

    public static ModelProto build(LpipsWeights w) {
        GraphBuilder g = new GraphBuilder("lpips_alex_v0.1");
        String a = g.input("a", DType.FLOAT, -1, 3, -1, -1);
        String b = g.input("b", DType.FLOAT, -1, 3, -1, -1);
        String shift = g.initializer("scaling.shift", SHIFT, 1, 3, 1, 1);
        String scale = g.initializer("scaling.scale", SCALE, 1, 3, 1, 1);
        List<String[]> convs = new ArrayList<>();
        for (int i = 0; i < LpipsWeights.CONVS.size(); i++) {
            ConvSpec c = LpipsWeights.CONVS.get(i);
            convs.add(new String[] {
                g.initializer("features.conv" + (i + 1) + ".weight", w.convWeight(i), c.out(), c.in(), c.kernel(), c.kernel()),
                g.initializer("features.conv" + (i + 1) + ".bias", w.convBias(i), c.out())});
        }
        List<String> tapsA = features(g, scaled(g, a, shift, scale), convs);
        List<String> tapsB = features(g, scaled(g, b, shift, scale), convs);
        String eps = g.scalar("eps", EPS);
        String[] perLayer = new String[tapsA.size()];
        for (int i = 0; i < tapsA.size(); i++) {
            int out = LpipsWeights.CONVS.get(i).out();
            String lin = g.initializer("lin" + i + ".weight", w.linWeight(i), 1, out, 1, 1);
            String diff = g.op("Sub").in(normalised(g, tapsA.get(i), eps), normalised(g, tapsB.get(i), eps)).out("diff" + i);
            String squared = g.op("Mul").in(diff, diff).out("diff" + i + ".sq");
            String weighted = g.op("Conv").in(squared, lin).attrInts("kernel_shape", 1, 1).out("lin" + i);
            perLayer[i] = g.op("ReduceMean").in(weighted).attrInts("axes", 2, 3).attr("keepdims", 1L).out("layer" + i);
        }
        String d = g.op("Sum").in(perLayer).out("sum");
        g.output("d", d, DType.FLOAT, -1, 1, 1, 1);
        return g.build(Map.of("vaeforge.graph", "lpips-alexnet-v0.1", LpipsGraphInfo.BACKBONE_KEY, "alex"));
    }

    private static String scaled(GraphBuilder g, String x, String shift, String scale) {
        return g.op("Div").in(g.op("Sub").in(x, shift).out(x + ".shifted"), scale).out(x + ".scaled");
    }

    /** The ReLU outputs after conv1..conv5, with max pooling 3/2 before conv2 and conv3. */
    private static List<String> features(GraphBuilder g, String x, List<String[]> convs) {
        List<String> taps = new ArrayList<>();
        String h = x;
        for (int i = 0; i < convs.size(); i++) {
            ConvSpec c = LpipsWeights.CONVS.get(i);
            if (i == 1 || i == 2) {
                h = g.op("MaxPool").in(h).attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2).out("pool" + i);
            }
            h = g.op("Conv").in(h, convs.get(i)[0], convs.get(i)[1])
                    .attrInts("kernel_shape", c.kernel(), c.kernel())
                    .attrInts("strides", c.stride(), c.stride())
                    .attrInts("pads", c.pad(), c.pad(), c.pad(), c.pad())
                    .out("conv" + (i + 1));
            h = g.op("Relu").in(h).out("relu" + (i + 1));
            taps.add(h);
        }
        return taps;
    }

    private static String normalised(GraphBuilder g, String f, String eps) {
        String sumSq = g.op("ReduceSumSquare").in(f).attrInts("axes", 1).attr("keepdims", 1L).out(f + ".sumsq");
        String norm = g.op("Add").in(g.op("Sqrt").in(sumSq).out(f + ".norm"), eps).out(f + ".norm_eps");
        return g.op("Div").in(f, norm).out(f + ".unit");
    }
}
