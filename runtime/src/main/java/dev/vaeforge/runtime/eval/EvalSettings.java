package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.EnumSet;
import java.util.Set;

/**
 * What `vaeforge evaluate` computes.
 *
 * @param limit evaluate at most this many images (null = all)
 * @param batchSize images per ONNX Runtime call
 * @param metrics which metrics to compute
 * @param samples prior samples for the generation metrics (0 = none)
 * @param seed seed of the prior samples and of the ELBO's posterior sample
 * @param nllSamples importance samples per image for the NLL (0 = off: the likelihood metrics are left
 *     out of {@code metrics})
 * @param surgeryImages posteriors (at most) in the ELBO surgery's aggregate posterior (0 = no surgery); its
 *     cost grows with the square
 */
public record EvalSettings(Integer limit, int batchSize, Set<MetricName> metrics, int samples, long seed,
                           int nllSamples, int surgeryImages) {
    public static final int MAX_NLL_SAMPLES = 100_000;
    /** Generation samples: streamed through running statistics, so the bound is one of time, not memory. */
    public static final int MAX_SAMPLES = 10_000_000;
    /** The default subsample of the ELBO surgery: 4 million posterior densities, about a second per 32 dims. */
    public static final int DEFAULT_SURGERY_IMAGES = 2000;
    public static final int MAX_SURGERY_IMAGES = 50_000;

    /** With the default ELBO surgery subsample. */
    public EvalSettings(Integer limit, int batchSize, Set<MetricName> metrics, int samples, long seed,
                        int nllSamples) {
        this(limit, batchSize, metrics, samples, seed, nllSamples, DEFAULT_SURGERY_IMAGES);
    }

    /** Without the importance-sampled likelihood. */
    public EvalSettings(Integer limit, int batchSize, Set<MetricName> metrics, int samples, long seed) {
        this(limit, batchSize, metrics, samples, seed, 0);
    }

    public EvalSettings {
        if (nllSamples < 0 || nllSamples > MAX_NLL_SAMPLES) {
            throw VaeforgeException.badParameter("nll-samples must be in 0.." + MAX_NLL_SAMPLES + ", got " + nllSamples,
                    "nll-samples");
        }
        if (surgeryImages != 0 && (surgeryImages < 2 || surgeryImages > MAX_SURGERY_IMAGES)) {
            throw VaeforgeException.badParameter("surgery-images must be 0 (off) or in 2.." + MAX_SURGERY_IMAGES
                    + ", got " + surgeryImages, "surgery-images");
        }
        if (limit != null && limit < 1) {
            throw VaeforgeException.badParameter("limit must be >= 1, got " + limit, "limit");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw VaeforgeException.badParameter("batch-size must be in 1..4096, got " + batchSize, "batch-size");
        }
        if (samples < 0 || samples > MAX_SAMPLES) {
            throw VaeforgeException.badParameter("samples must be in 0.." + MAX_SAMPLES + ", got " + samples, "samples");
        }
        metrics = metrics.isEmpty() ? EnumSet.noneOf(MetricName.class) : EnumSet.copyOf(metrics);
        if (nllSamples == 0) {
            metrics.removeAll(MetricName.LIKELIHOOD);
        }
    }

    public boolean has(MetricName m) {
        return metrics.contains(m);
    }
}
