package dev.vaeforge.runtime.eval;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.metrics.PixelMetrics;
import dev.vaeforge.runtime.metrics.Quality;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The image-against-image metrics (MSE, PSNR, SSIM, GMSD, LPIPS) of a batch of pairs, shared by
 * reconstruction, generation and {@code compare}. MSE is always computed (ranking and PSNR need it).
 */
final class PairMetrics {
    private PairMetrics() {
    }

    /**
     * @param quality SSIM/GMSD sessions, or null when neither is wanted
     * @param lpips the LPIPS graph, or null (not computed)
     */
    static Map<MetricName, double[]> compute(float[] a, float[] b, int n, ImageShape shape, Set<MetricName> wanted,
                                             ImageQualityMetrics quality, Lpips lpips) throws OrtException {
        Map<MetricName, double[]> v = new EnumMap<>(MetricName.class);
        double[] mse = PixelMetrics.mse(a, b, n, shape);
        v.put(MetricName.MSE, mse);
        if (wanted.contains(MetricName.PSNR)) {
            double[] psnr = new double[n];
            for (int i = 0; i < n; i++) {
                psnr[i] = PixelMetrics.psnr(mse[i]);
            }
            v.put(MetricName.PSNR, psnr);
        }
        if (quality != null && (wanted.contains(MetricName.SSIM) || wanted.contains(MetricName.GMSD))) {
            Quality[] q = quality.quality(a, b, n, shape);
            double[] ssim = new double[n];
            double[] gmsd = new double[n];
            for (int i = 0; i < n; i++) {
                ssim[i] = q[i].ssim();
                gmsd[i] = q[i].gmsd();
            }
            if (wanted.contains(MetricName.SSIM)) {
                v.put(MetricName.SSIM, ssim);
            }
            if (wanted.contains(MetricName.GMSD)) {
                v.put(MetricName.GMSD, gmsd);
            }
        }
        if (lpips != null && wanted.contains(MetricName.LPIPS)) {
            v.put(MetricName.LPIPS, lpips.distance(a, b, n, shape));
        }
        return v;
    }
}
