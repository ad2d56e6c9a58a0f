package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.onnx.GraphBuilder;

/**
 * GMSD (Xue et al. 2014, as piq {@code gmsd(data_range=1)}; see docs/ARCHITECTURE.md) as graph nodes over
 * block tensors. Pooling comes first, then the gray mix, then Prewitt: all three are linear and act
 * per plane or per pixel, so the order does not change the result, and the gray mix and the gradients
 * then touch a quarter of the pixels (and a third of the planes for RGB).
 */
final class GmsdNodes {
    private GmsdNodes() {
    }

    /**
     * Adds GMSD of block tensors {@code x} against {@code y} ([B, 16, H, W], H and W at least 2) and
     * returns the name of the per-image values [B * 16 / channels].
     */
    static String add(GraphBuilder g, String x, String y, int channels) {
        String ma2 = squaredGradient(g, grayPooled(g, x, channels, "gmsd.a"), "gmsd.a");
        String mb2 = squaredGradient(g, grayPooled(g, y, channels, "gmsd.b"), "gmsd.b");
        String c = g.scalar("gmsd.c", (float) QualityConstants.GMSD_C);
        // 2 m_a m_b = 2 sqrt(m_a^2 m_b^2): one square root instead of two
        String mab = g.op("Sqrt").in(Nodes.bin(g, "Mul", ma2, mb2, "gmsd.m2ab")).out("gmsd.mab");
        String num = Nodes.bin(g, "Add", Nodes.bin(g, "Mul", mab, g.scalar("gmsd.two", 2f), "gmsd.2mab"), c, "gmsd.num");
        String den = Nodes.bin(g, "Add", Nodes.bin(g, "Add", ma2, mb2, "gmsd.m2sum"), c, "gmsd.den");
        String gms = Nodes.bin(g, "Div", num, den, "gmsd.gms");
        // population std in two passes: centring first keeps float32 clear of E[x^2] - E[x]^2
        String dev = Nodes.bin(g, "Sub", gms, Nodes.planeMean(g, gms, true, "gmsd.mean"), "gmsd.dev");
        String var = Nodes.planeMean(g, Nodes.bin(g, "Mul", dev, dev, "gmsd.dev2"), false, "gmsd.var");
        String flat = g.op("Reshape").in(var, g.ints("gmsd.flat", -1)).out("gmsd.var_flat");
        return g.op("Sqrt").in(flat).out("gmsd.padded");
    }

    /**
     * 2x2 mean pooling with stride 2 after zero-padding an odd bottom row / right column, then (RGB) the
     * luma mix. Padding bottom/right by one always is the same as padding only odd edges: with stride 2 the
     * extra row or column of an even side is never read. Result: one gray plane per image, in blocks.
     */
    private static String grayPooled(GraphBuilder g, String x, int channels, String hint) {
        String pooled = g.op("AveragePool").in(x).attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2)
                .attrInts("pads", 0, 0, 1, 1).attr("count_include_pad", 1L).out(hint + ".pooled");
        if (channels == 1) {
            return pooled;
        }
        String shape = g.op("Shape").in(pooled).out(hint + ".pooled_shape");
        String hw = g.op("Slice").in(shape, g.ints(hint + ".s2", 2), g.ints(hint + ".s4", 4)).out(hint + ".hw");
        String h = g.op("Slice").in(shape, g.ints(hint + ".s2b", 2), g.ints(hint + ".s3", 3)).out(hint + ".h");
        String w = g.op("Slice").in(shape, g.ints(hint + ".s3b", 3), g.ints(hint + ".s4b", 4)).out(hint + ".w");
        String pixels = Nodes.bin(g, "Mul", h, w, hint + ".pixels");
        String byImage = g.op("Reshape").in(pooled, g.op("Concat").in(g.ints(hint + ".m1c", -1, channels), pixels)
                .attr("axis", 0L).out(hint + ".by_image_shape")).out(hint + ".by_image");
        double[] lw = QualityConstants.GMSD_GRAY_WEIGHTS;
        String luma = g.initializer("gmsd.luma", new float[] {(float) lw[0], (float) lw[1], (float) lw[2]}, 1, 3);
        String gray = g.op("MatMul").in(luma, byImage).out(hint + ".gray");
        return g.op("Reshape").in(gray, g.op("Concat").in(g.ints(hint + ".m1b", -1, Nodes.BLOCK), hw)
                .attr("axis", 0L).out(hint + ".blocks_shape")).out(hint + ".gray_blocks");
    }

    /** gx^2 + gy^2 with Prewitt kernels divided by 3, zero padding, same size. */
    private static String squaredGradient(GraphBuilder g, String gray, String hint) {
        long[] same = {1, 1, 1, 1};
        String gx = Nodes.depthwise(g, gray, prewittX(), 3, 3, 0f, same, hint + ".gx");
        String gy = Nodes.depthwise(g, gray, prewittY(), 3, 3, 0f, same, hint + ".gy");
        return Nodes.bin(g, "Add", Nodes.bin(g, "Mul", gx, gx, hint + ".gx2"), Nodes.bin(g, "Mul", gy, gy, hint + ".gy2"), hint + ".m2");
    }

    /** Right column minus left column, over 3 (cross-correlation, as ONNX Conv computes). */
    static float[] prewittX() {
        float t = 1f / 3f;
        return new float[] {-t, 0, t, -t, 0, t, -t, 0, t};
    }

    /** Bottom row minus top row, over 3. */
    static float[] prewittY() {
        float t = 1f / 3f;
        return new float[] {-t, -t, -t, 0, 0, 0, t, t, t};
    }
}
