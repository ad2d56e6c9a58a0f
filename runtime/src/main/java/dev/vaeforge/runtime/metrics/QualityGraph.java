package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import java.util.Map;

/**
 * The ONNX graph that computes SSIM and/or GMSD of two image batches in one run.
 *
 * <p>Contract: inputs {@value #INPUT_A} and {@value #INPUT_B}, float32 [N, C, H, W] in [0, 1], C fixed
 * when the graph is built (1 or 3), N, H and W dynamic; outputs {@value #OUTPUT_SSIM} and/or
 * {@value #OUTPUT_GMSD}, float32 [N]. SSIM needs H, W &gt;= 11 and GMSD H, W &gt;= 2; the graph does not check
 * (ONNX Runtime fails on the shapes), {@link ImageQualityMetrics} does, with a clear message.
 *
 * <p>Inside, the batch is zero-padded to a multiple of 16 images and viewed as blocks of 16 planes
 * (see {@link Nodes}); the padding images are computed and dropped. A batch of 1 therefore costs as much
 * as a batch of 16, which is irrelevant at the batch sizes evaluation uses. {@link ImageQualityMetrics}
 * pads on the Java side while it copies the images into native memory anyway, and uses a variant
 * without the Pad nodes (two fewer full copies; 5-8% faster, measured).
 */
public final class QualityGraph {
    public static final String INPUT_A = "a";
    public static final String INPUT_B = "b";
    public static final String OUTPUT_SSIM = "ssim";
    public static final String OUTPUT_GMSD = "gmsd";

    /** Which metrics a graph computes. */
    public enum Kind {
        SSIM(true, false), GMSD(false, true), BOTH(true, true);

        final boolean ssim;
        final boolean gmsd;

        Kind(boolean ssim, boolean gmsd) {
            this.ssim = ssim;
            this.gmsd = gmsd;
        }

        /** The graph's outputs, SSIM first. */
        String[] outputNames() {
            return ssim && gmsd ? new String[] {OUTPUT_SSIM, OUTPUT_GMSD} : new String[] {ssim ? OUTPUT_SSIM : OUTPUT_GMSD};
        }
    }

    private QualityGraph() {
    }

    /** The graph for any batch size N. */
    public static ModelProto build(int channels, Kind kind) {
        return build(channels, kind, true);
    }

    /** With {@code padBatch} false the graph has no Pad nodes and needs N to be a multiple of 16. */
    static ModelProto build(int channels, Kind kind, boolean padBatch) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB), got " + channels);
        }
        GraphBuilder g = new GraphBuilder("image_quality_" + kind.name().toLowerCase() + "_c" + channels);
        String a = g.input(INPUT_A, DType.FLOAT, -1, channels, -1, -1);
        String b = g.input(INPUT_B, DType.FLOAT, -1, channels, -1, -1);
        String shape = g.op("Shape").in(a).out("shape");
        String n = g.op("Slice").in(shape, g.ints("s0", 0), g.ints("s1", 1)).out("n");
        String hw = g.op("Slice").in(shape, g.ints("s2", 2), g.ints("s4", 4)).out("hw");
        String blockShape = g.op("Concat").in(g.ints("blocks_nc", -1, Nodes.BLOCK), hw).attr("axis", 0L).out("blocks_shape");
        String pads = padBatch ? batchPads(g, n) : null;
        String x = g.op("Reshape").in(padBatch ? g.op("Pad").in(a, pads).out("a_padded") : a, blockShape).out("a_blocks");
        String y = g.op("Reshape").in(padBatch ? g.op("Pad").in(b, pads).out("b_padded") : b, blockShape).out("b_blocks");
        String zero = g.ints("zero", 0);
        if (kind.ssim) {
            String ssim = g.op("Slice").in(SsimNodes.add(g, x, y, channels), zero, n).out("ssim_n");
            g.output(OUTPUT_SSIM, ssim, DType.FLOAT, -1);
        }
        if (kind.gmsd) {
            String gmsd = g.op("Slice").in(GmsdNodes.add(g, x, y, channels), zero, n).out("gmsd_n");
            g.output(OUTPUT_GMSD, gmsd, DType.FLOAT, -1);
        }
        return g.build(Map.of(
                "vaeforge.graph", "image_quality",
                "vaeforge.metrics", kind.name().toLowerCase(),
                "vaeforge.channels", Integer.toString(channels),
                "vaeforge.batch", padBatch ? "any" : "multiple of " + Nodes.BLOCK,
                "vaeforge.definitions", "ssim: skimage gaussian_weights sigma=1.5 valid, population variances, data_range=1; "
                        + "gmsd: piq data_range=1"));
    }

    /** Pad amounts that append zero images up to a multiple of 16: (16 - N mod 16) mod 16 of them. */
    private static String batchPads(GraphBuilder g, String n) {
        String block = g.ints("block", Nodes.BLOCK);
        String rest = g.op("Mod").in(n, block).out("n_mod");
        String extra = g.op("Mod").in(Nodes.bin(g, "Sub", block, rest, "missing"), block).out("extra");
        return g.op("Concat").in(g.ints("pads_begin", 0, 0, 0, 0), extra, g.ints("pads_end", 0, 0, 0)).attr("axis", 0L).out("pads");
    }
}
