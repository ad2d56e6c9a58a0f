package dev.vaeforge.cli.bench;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one bench invocation measures: the model, the batches and how long to time each figure.
 *
 * @param threads the resolved thread count ({@link #threads(int)})
 * @param seconds the minimum time per throughput figure
 * @throws VaeforgeException (bad input) for a count below 1 (below 0 for the warm-up), naming the parameters
 */
public record BenchSettings(int channels, int imageSize, List<Integer> widths, int latentDim, int batchSize, int steps,
        int warmup, List<Integer> reconBatches, int latencyIters, double seconds, int matmulSize, int threads,
        String device) {
    public BenchSettings {
        if (steps < 1 || warmup < 0 || batchSize < 1 || latencyIters < 1 || reconBatches.isEmpty()) {
            throw VaeforgeException.badParameter("steps, batchSize and latencyIters must be >= 1, warmup >= 0",
                    "steps", "batchSize", "latencyIters", "warmup");
        }
        for (int b : reconBatches) {
            if (b < 1) {
                throw VaeforgeException.badParameter("reconBatches must be >= 1, got " + reconBatches, "reconBatches");
            }
        }
        widths = List.copyOf(widths);
        reconBatches = List.copyOf(reconBatches);
    }

    /** The thread count to use for {@code requested} threads: 0 means one per core. */
    public static int threads(int requested) {
        if (requested < 0) {
            throw VaeforgeException.badParameter("threads must be >= 0, got " + requested, "threads");
        }
        return requested == 0 ? Runtime.getRuntime().availableProcessors() : requested;
    }

    /** The conv VAE every phase measures (Bernoulli likelihood, as the targets' model). */
    public VaeConfig model() {
        return new VaeConfig(channels, imageSize, latentDim, widths, Likelihood.BERNOULLI, 0);
    }

    public ImageShape shape() {
        return new ImageShape(channels, imageSize, imageSize);
    }

    /** The largest --recon-batches value. */
    public int maxReconBatch() {
        return reconBatches.stream().mapToInt(Integer::intValue).max().getAsInt();
    }

    /** bench.json's "config". */
    Map<String, Object> json() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", "vae");
        config.put("image", List.of(channels, imageSize, imageSize));
        config.put("widths", widths);
        config.put("latent_dim", latentDim);
        config.put("batch_size", batchSize);
        config.put("steps", steps);
        config.put("warmup", warmup);
        config.put("threads", threads);
        config.put("device", device);
        config.put("cores", Runtime.getRuntime().availableProcessors());
        return config;
    }
}
