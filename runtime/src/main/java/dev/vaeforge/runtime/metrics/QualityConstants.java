package dev.vaeforge.runtime.metrics;

/**
 * The constants that pin SSIM and GMSD to their reference implementations (docs/ARCHITECTURE.md, Metrics).
 * Graphs and the plain-Java references read them from here, so the two cannot drift apart.
 */
public final class QualityConstants {
    /** Gaussian window sigma of SSIM (Wang et al. 2004; scikit-image {@code sigma=1.5}). */
    public static final double SSIM_SIGMA = 1.5;
    /** scikit-image truncates the Gaussian at 3.5 sigma: radius {@code int(3.5 * 1.5 + 0.5)} = 5. */
    public static final int SSIM_RADIUS = (int) (3.5 * SSIM_SIGMA + 0.5);
    /** Window side, 11: also the smallest image side SSIM accepts (valid filtering leaves 1 pixel). */
    public static final int SSIM_WINDOW = 2 * SSIM_RADIUS + 1;
    /** (K1 L)^2 with K1 = 0.01 and data range L = 1. */
    public static final double SSIM_C1 = 0.01 * 0.01;
    /** (K2 L)^2 with K2 = 0.03 and data range L = 1. */
    public static final double SSIM_C2 = 0.03 * 0.03;

    /** GMSD stability constant 170 / 255^2 (piq, data range 1). */
    public static final double GMSD_C = 170.0 / (255.0 * 255.0);
    /** Luma weights (ITU-R BT.601) that GMSD uses to turn RGB into gray. */
    public static final double[] GMSD_GRAY_WEIGHTS = {0.299, 0.587, 0.114};
    /** GMSD averages 2x2 blocks once before taking gradients; images need at least one block. */
    public static final int GMSD_MIN_SIDE = 2;

    private QualityConstants() {
    }

    /**
     * The normalised 1-D Gaussian of SSIM, as scipy's {@code gaussian_filter} builds it: exp(-x^2 / (2 sigma^2))
     * for x in [-5, 5], divided by its sum. The 2-D window is its outer product, so filtering is separable.
     */
    public static double[] ssimGaussian() {
        double[] g = new double[SSIM_WINDOW];
        double sum = 0;
        for (int i = 0; i < g.length; i++) {
            int x = i - SSIM_RADIUS;
            g[i] = Math.exp(-0.5 * x * x / (SSIM_SIGMA * SSIM_SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= sum;
        }
        return g;
    }
}
