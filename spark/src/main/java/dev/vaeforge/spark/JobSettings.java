package dev.vaeforge.spark;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.eval.MetricName;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a job runs, shipped to every executor.
 *
 * @param kind        encode, reconstruct or evaluate
 * @param batchSize   images per ONNX Runtime call, batched within a partition
 * @param resize      centre-crop and resize images of another size (otherwise such an image is bad)
 * @param skipBad     bad images are left out and listed; otherwise they fail the job at its end (no task
 *                    ever fails for one: see decision 0017)
 * @param metrics     evaluate: the metrics to compute (as `vaeforge evaluate --metrics`)
 * @param seed        evaluate: seed of the ELBO's and the NLL's draws, by image index
 * @param nllSamples  evaluate: importance samples per image for the NLL (0 = off)
 * @param pngFiles    reconstruct: write PNG files under OUT/images/ instead of a PNG bytes column
 * @param threads     ONNX Runtime intra-op threads per session (the executor's tasks share one session set)
 * @param verifyGolden rerun the bundle's golden tensors once per executor before its first image
 * @param lpipsModel  evaluate: the driver's path of an LPIPS graph, shipped with the bundle (or at the same
 *                    path on every executor with a shared bundle); null: LPIPS not computed
 */
public record JobSettings(JobKind kind, int batchSize, boolean resize, boolean skipBad, Set<MetricName> metrics,
                          long seed, int nllSamples, boolean pngFiles, int threads, boolean verifyGolden,
                          String lpipsModel)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public JobSettings {
        if (kind == null) {
            throw VaeforgeException.badParameter("kind must be encode, reconstruct or evaluate", "kind");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw VaeforgeException.badParameter("batch-size must be in 1..4096, got " + batchSize, "batch-size");
        }
        if (threads < 1) {
            throw VaeforgeException.badParameter("threads must be >= 1, got " + threads, "threads");
        }
        if (lpipsModel != null && kind != JobKind.EVALUATE) {
            throw VaeforgeException.badParameter("lpips-model applies to evaluate only", "lpips-model");
        }
        if (pngFiles && kind != JobKind.RECONSTRUCT) {
            throw VaeforgeException.badParameter("png-files applies to reconstruct only", "png-files");
        }
        metrics = metrics == null || metrics.isEmpty() ? EnumSet.noneOf(MetricName.class) : EnumSet.copyOf(metrics);
    }

    /** Defaults of the CLI: batch 64, no resize, bad files an error, every metric, seed 1, one thread. */
    public static JobSettings of(JobKind kind) {
        return new JobSettings(kind, 64, false, false, EnumSet.allOf(MetricName.class), 1, 0, false, 1, true, null);
    }

    public JobSettings withBatchSize(int b) {
        return new JobSettings(kind, b, resize, skipBad, metrics, seed, nllSamples, pngFiles, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withResize(boolean r) {
        return new JobSettings(kind, batchSize, r, skipBad, metrics, seed, nllSamples, pngFiles, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withSkipBad(boolean s) {
        return new JobSettings(kind, batchSize, resize, s, metrics, seed, nllSamples, pngFiles, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withMetrics(Set<MetricName> m) {
        return new JobSettings(kind, batchSize, resize, skipBad, m, seed, nllSamples, pngFiles, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withSeed(long s) {
        return new JobSettings(kind, batchSize, resize, skipBad, metrics, s, nllSamples, pngFiles, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withNllSamples(int s) {
        return new JobSettings(kind, batchSize, resize, skipBad, metrics, seed, s, pngFiles, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withPngFiles(boolean f) {
        return new JobSettings(kind, batchSize, resize, skipBad, metrics, seed, nllSamples, f, threads, verifyGolden,
                lpipsModel);
    }

    public JobSettings withThreads(int t) {
        return new JobSettings(kind, batchSize, resize, skipBad, metrics, seed, nllSamples, pngFiles, t, verifyGolden,
                lpipsModel);
    }

    public JobSettings withVerifyGolden(boolean v) {
        return new JobSettings(kind, batchSize, resize, skipBad, metrics, seed, nllSamples, pngFiles, threads, v,
                lpipsModel);
    }

    public JobSettings withLpipsModel(String path) {
        return new JobSettings(kind, batchSize, resize, skipBad, metrics, seed, nllSamples, pngFiles, threads, verifyGolden,
                path);
    }
}
