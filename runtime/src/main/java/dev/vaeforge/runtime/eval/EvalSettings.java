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
 */
public record EvalSettings(Integer limit, int batchSize, Set<MetricName> metrics, int samples, long seed) {
    public EvalSettings {
        if (limit != null && limit < 1) {
            throw VaeforgeException.badParameter("limit must be >= 1, got " + limit, "limit");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw VaeforgeException.badParameter("batch-size must be in 1..4096, got " + batchSize, "batch-size");
        }
        if (samples < 0) {
            throw VaeforgeException.badParameter("samples must be >= 0, got " + samples, "samples");
        }
        metrics = metrics.isEmpty() ? EnumSet.noneOf(MetricName.class) : EnumSet.copyOf(metrics);
    }

    public boolean has(MetricName m) {
        return metrics.contains(m);
    }
}
