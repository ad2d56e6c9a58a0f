package dev.vaeforge.runtime.quantize;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.ImportanceSampling;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.Random;

/**
 * Measures an int8 bundle against its fp32 source on held-out images ({@link GateThresholds}): both are
 * opened as any bundle is and run side by side. PSNR is of the MSE pooled over all images (10 log10(1 /
 * MSE), never above a per-image mean); SSIM as the project defines it; the ELBO is single-sample with the
 * same seeded ε for both bundles (z = μ + σ·ε, log p(x|z) + log p(z) − log q(z|x)), so its change measures
 * the graphs, not Monte-Carlo noise.
 */
final class QualityGate {
    private QualityGate() {
    }

    static Manifest.Quantization.Gate measure(VaeRuntime fp32, VaeRuntime int8, ImageDataset data, int from, int count,
                                              GateThresholds t, long seed, boolean forced, java.util.function.IntConsumer progress) {
        ImageShape shape = fp32.imageShape();
        int size = shape.size();
        int batch = Math.min(64, fp32.maxBatch());
        ImportanceSampling.PixelLikelihood lik = ImportanceSampling.of(fp32.manifest().likelihood());
        ImportanceSampling.PriorDensity prior = fp32.prior().hasDensity() ? ImportanceSampling.of(fp32.prior())
                : ImportanceSampling.STANDARD_NORMAL;
        double sse = 0;
        double ssimA = 0;
        double ssimB = 0;
        double elboA = 0;
        double elboB = 0;
        double maxMu = 0;
        try (ImageQualityMetrics q = new ImageQualityMetrics()) {
            int[] idx = new int[count];
            for (int i = 0; i < count; i++) {
                idx[i] = from + i;
            }
            for (int b = 0; b < count; b += batch) {
                int n = Math.min(batch, count - b);
                float[] x = data.batch(idx, b, n);
                Posterior pa = fp32.encode(x, n);
                Posterior pb = int8.encode(x, n);
                float[] ra = fp32.decode(pa.mu(), n);
                float[] rb = int8.decode(pb.mu(), n);
                for (int i = 0; i < ra.length; i++) {
                    double d = ra[i] - rb[i];
                    sse += d * d;
                }
                for (int i = 0; i < pa.mu().length; i++) {
                    maxMu = Math.max(maxMu, Math.abs(pa.mu()[i] - pb.mu()[i]));
                }
                if (ssimDefined(shape)) {
                    for (double v : q.ssim(x, ra, n, shape)) {
                        ssimA += v;
                    }
                    for (double v : q.ssim(x, rb, n, shape)) {
                        ssimB += v;
                    }
                }
                float[] eps = new float[pa.mu().length];
                int d = pa.dim();
                for (int i = 0; i < n; i++) {
                    Random r = new Random(seed * 1_000_003L + idx[b + i]);
                    for (int j = 0; j < d; j++) {
                        eps[i * d + j] = (float) r.nextGaussian();
                    }
                }
                elboA += elbo(fp32, x, pa, eps, n, size, lik, prior);
                elboB += elbo(int8, x, pb, eps, n, size, lik, prior);
                progress.accept(b + n);
            }
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.DEVICE, "SSIM graph failed: " + e.getMessage(), e);
        }
        double mse = sse / ((double) count * size);
        double psnr = mse > 0 ? 10 * Math.log10(1 / mse) : Double.POSITIVE_INFINITY;
        double ssimChange = ssimDefined(shape) ? (ssimB - ssimA) / count : Double.NaN;
        double elboFp32 = elboA / count;
        double elboChange = (elboB - elboA) / count;
        boolean passed = psnr >= t.minPsnr() && (Double.isNaN(ssimChange) || ssimChange >= -t.maxSsimDrop())
                && Math.abs(elboChange) <= t.maxElboChange() * Math.abs(elboFp32) && maxMu <= t.maxLatentMeanError();
        return new Manifest.Quantization.Gate(count, Math.min(psnr, 999), ssimChange, elboChange, elboFp32, maxMu, t.json(),
                passed, forced && !passed);
    }

    /** SSIM needs images of at least its 11x11 window; below that the gate has no SSIM (NaN, not checked). */
    static boolean ssimDefined(ImageShape s) {
        return s.height() >= 11 && s.width() >= 11;
    }

    /** The summed single-sample ELBO of {@code n} images with noise {@code eps}. */
    private static double elbo(VaeRuntime rt, float[] x, Posterior p, float[] eps, int n, int size,
                               ImportanceSampling.PixelLikelihood lik, ImportanceSampling.PriorDensity prior) {
        int d = p.dim();
        float[] z = new float[n * d];
        double logq = 0;
        for (int i = 0; i < z.length; i++) {
            double sd = Math.exp(0.5 * p.logvar()[i]);
            z[i] = (float) (p.mu()[i] + sd * eps[i]);
            logq += -0.5 * (eps[i] * (double) eps[i] + Math.log(2 * Math.PI) + p.logvar()[i]);
        }
        float[] mean = rt.decode(z, n);
        double sum = -logq;
        double[] lp = prior.logProbabilities(z, n, d);
        for (int i = 0; i < n; i++) {
            sum += lik.logProbability(x, i * size, mean, i * size, size) + lp[i];
        }
        return sum;
    }
}
