package dev.vaeforge.runtime.metrics;

import dev.vaeforge.runtime.onnx.GraphBuilder;

/**
 * SSIM (Wang et al. 2004, the scikit-image gaussian setting; see docs/ARCHITECTURE.md) as graph nodes over
 * block tensors. Two choices keep it fast and accurate in float32:
 *
 * <ul>
 *   <li>Four filtered maps instead of five: G*x, G*y, G*(x^2 + y^2) and G*(xy), because only the sum of
 *       the two variances enters the formula. Each map is two 1-D valid Gaussian passes (1x11, 11x1).
 *   <li>Second moments are taken of values centred on their plane mean m. E[x^2] - E[x]^2 cancels badly
 *       in float32 where the image is bright and flat (errors up to 4e-4 on 11x11 crops, measured);
 *       centring leaves variance and covariance unchanged and shrinks what cancels, to ~1e-7.
 * </ul>
 *
 * <p>Constants and factors are folded into the filters. With Fx = sqrt2 G*xc, Fy = sqrt2 G*yc,
 * Fq = 2 G*(xc^2 + yc^2) + 2 C2, Fp = 2 G*(xc yc) + C2 (bias of the second pass), ux = Fx + sqrt2 mx and
 * uy = Fy + sqrt2 my:
 * <pre>
 *   A1 = ux uy + C1              = 2 mu_x mu_y + C1
 *   B1 = ux^2 + uy^2 + 2 C1      = 2 (mu_x^2 + mu_y^2 + C1)
 *   A2 = Fp - Fx Fy              = 2 sigma_xy + C2
 *   B2 = Fq - (Fx^2 + Fy^2)      = 2 (sigma_x^2 + sigma_y^2 + C2)
 *   SSIM map = 4 A1 A2 / (B1 B2)
 * </pre>
 */
final class SsimNodes {
    private SsimNodes() {
    }

    /**
     * Adds SSIM of block tensors {@code x} against {@code y} ([B, 16, H, W], H and W at least 11) and
     * returns the name of the per-image values [B * 16 / channels].
     */
    static String add(GraphBuilder g, String x, String y, int channels) {
        double c1 = QualityConstants.SSIM_C1, c2 = QualityConstants.SSIM_C2, r2 = Math.sqrt(2);
        String mx = Nodes.planeMean(g, x, true, "ssim.mean_a");
        String my = Nodes.planeMean(g, y, true, "ssim.mean_b");
        String xc = Nodes.bin(g, "Sub", x, mx, "ssim.centred_a");
        String yc = Nodes.bin(g, "Sub", y, my, "ssim.centred_b");
        String sq = Nodes.bin(g, "Add", Nodes.bin(g, "Mul", xc, xc, "ssim.aa"), Nodes.bin(g, "Mul", yc, yc, "ssim.bb"), "ssim.sq");
        String pr = Nodes.bin(g, "Mul", xc, yc, "ssim.ab");
        String fx = gaussian(g, xc, r2, 0, "ssim.f_a");
        String fy = gaussian(g, yc, r2, 0, "ssim.f_b");
        String fq = gaussian(g, sq, 2, 2 * c2, "ssim.f_sq");
        String fp = gaussian(g, pr, 2, c2, "ssim.f_ab");
        String s2 = g.scalar("ssim.sqrt2", (float) r2);
        String ux = Nodes.bin(g, "Add", fx, Nodes.bin(g, "Mul", mx, s2, "ssim.mean_a_s"), "ssim.u_a");
        String uy = Nodes.bin(g, "Add", fy, Nodes.bin(g, "Mul", my, s2, "ssim.mean_b_s"), "ssim.u_b");
        String a1 = Nodes.bin(g, "Add", Nodes.bin(g, "Mul", ux, uy, "ssim.uab"), g.scalar("ssim.c1", (float) c1), "ssim.a1");
        String b1 = Nodes.bin(g, "Add", sumOfSquares(g, ux, uy, "ssim.u2"), g.scalar("ssim.2c1", (float) (2 * c1)), "ssim.b1");
        String a2 = Nodes.bin(g, "Sub", fp, Nodes.bin(g, "Mul", fx, fy, "ssim.fab"), "ssim.a2");
        String b2 = Nodes.bin(g, "Sub", fq, sumOfSquares(g, fx, fy, "ssim.f2"), "ssim.b2");
        String num = Nodes.bin(g, "Mul", a1, a2, "ssim.num");
        String den = Nodes.bin(g, "Mul", b1, b2, "ssim.den");
        String quarterMap = Nodes.bin(g, "Div", num, den, "ssim.quarter_map");
        String perImage = Nodes.imageMean(g, Nodes.planeMean(g, quarterMap, false, "ssim.quarter_plane"), channels, "ssim.quarter");
        return Nodes.bin(g, "Mul", perImage, g.scalar("ssim.four", 4f), "ssim.padded");
    }

    /** Valid separable Gaussian filter (1x11 then 11x1), times {@code scale}, plus {@code bias}. */
    private static String gaussian(GraphBuilder g, String x, double scale, double bias, String hint) {
        double[] w = QualityConstants.ssimGaussian();
        float[] row = new float[w.length];
        float[] col = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            row[i] = (float) w[i];
            col[i] = (float) (scale * w[i]);
        }
        long[] valid = {0, 0, 0, 0};
        String r = Nodes.depthwise(g, x, row, 1, w.length, 0f, valid, hint + ".w");
        return Nodes.depthwise(g, r, col, w.length, 1, (float) bias, valid, hint);
    }

    private static String sumOfSquares(GraphBuilder g, String u, String v, String hint) {
        return Nodes.bin(g, "Add", Nodes.bin(g, "Mul", u, u, hint + ".u"), Nodes.bin(g, "Mul", v, v, hint + ".v"), hint);
    }
}
