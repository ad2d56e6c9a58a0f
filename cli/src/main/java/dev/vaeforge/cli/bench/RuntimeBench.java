package dev.vaeforge.cli.bench;

import dev.vaeforge.runtime.eval.ImportanceSampling;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The runtime's figures, all with ONNX Runtime on random inputs: batched reconstruction, batch-1 latency
 * and sampling (phase "runtime"), then SSIM+GMSD throughput (phase "evaluate").
 */
public final class RuntimeBench {
    /** Batch of the SSIM+GMSD figure. */
    static final int QUALITY_BATCH = 64;
    /** Images and importance samples per image of the NLL figure (evaluate --nll-samples 500). */
    static final int NLL_BATCH = 16;
    static final int NLL_SAMPLES = 500;

    /**
     * @param reconstruct images/s by batch size, in --recon-batches order
     * @param spinningB64 batch-64 reconstruction with ORT's intra-op spinning on; null when not measured
     */
    public record Result(Map<String, Double> reconstruct, Double spinningB64, double latencyP50Ms, double latencyP99Ms,
            double sampleImagesPerSecond, double qualityImagesPerSecond, int qualityBatch, double nllImagesPerSecond,
            int nllSamples) {
    }

    private final BenchSettings settings;
    private final Device device;
    private final Throughput throughput;
    private final MemorySampler memory;

    public RuntimeBench(BenchSettings settings, Device device, Throughput throughput, MemorySampler memory) {
        this.settings = settings;
        this.device = device;
        this.throughput = throughput;
        this.memory = memory;
    }

    public Result run(Path bundle) throws Exception {
        Random rnd = new Random(1);
        ImageShape shape = settings.shape();
        int batchSize = settings.batchSize();
        int maxBatch = Math.max(settings.maxReconBatch(), batchSize);
        memory.beginPhase();
        Map<String, Double> recon = new LinkedHashMap<>();
        double p50;
        double p99;
        double sampleRate;
        double nllRate;
        try (VaeRuntime rt = VaeRuntime.open(bundle, device, maxBatch)) {
            for (int b : settings.reconBatches()) {
                float[] xb = uniform(rnd, b * shape.size());
                recon.put(Integer.toString(b), throughput.perSecond(() -> rt.reconstruct(xb, b), b));
            }
            float[] x1 = uniform(rnd, shape.size());
            for (int i = 0; i < 10; i++) {
                rt.reconstruct(x1, 1);
            }
            double[] lat = new double[settings.latencyIters()];
            for (int i = 0; i < lat.length; i++) {
                long t = System.nanoTime();
                rt.reconstruct(x1, 1);
                lat[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(lat);
            p50 = lat[lat.length / 2];
            p99 = lat[Math.min(lat.length - 1, (int) (lat.length * 0.99))];
            long[] seed = {1};
            sampleRate = throughput.perSecond(() -> rt.sample(batchSize, seed[0]++), batchSize);
            nllRate = nllImagesPerSecond(rt, rnd, shape);
        }
        // the same reconstruction with ONNX Runtime's intra-op spinning on (ORT's own default; ours is
        // off), side by side, so the choice of default stays measured
        Double spin64 = null;
        if (System.getProperty(Sessions.ALLOW_SPINNING) == null && settings.reconBatches().contains(64)) {
            System.setProperty(Sessions.ALLOW_SPINNING, "1");
            try (VaeRuntime rt = VaeRuntime.open(bundle, device, maxBatch)) {
                float[] xb = uniform(rnd, 64 * shape.size());
                spin64 = throughput.perSecond(() -> rt.reconstruct(xb, 64), 64);
            } finally {
                System.clearProperty(Sessions.ALLOW_SPINNING);
            }
        }
        memory.endPhase("runtime");

        memory.beginPhase();
        int eb = QUALITY_BATCH;
        float[] a = uniform(rnd, eb * shape.size());
        float[] c = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = Math.min(1f, Math.max(0f, a[i] + 0.1f * (float) rnd.nextGaussian()));
        }
        double evalRate;
        try (ImageQualityMetrics q = new ImageQualityMetrics()) {
            evalRate = throughput.perSecond(() -> q.quality(a, c, eb, shape), eb);
        }
        memory.endPhase("evaluate");
        return new Result(Collections.unmodifiableMap(recon), spin64, p50, p99, sampleRate, evalRate, eb, nllRate,
                NLL_SAMPLES);
    }

    /** Images/s of the importance-sampled NLL as evaluate computes it (encoder, then S draws decoded in chunks). */
    private double nllImagesPerSecond(VaeRuntime rt, Random rnd, ImageShape shape) throws Exception {
        float[] x = uniform(rnd, NLL_BATCH * shape.size());
        ImportanceSampling is = new ImportanceSampling(NLL_SAMPLES, 1, 4 * settings.batchSize());
        ImportanceSampling.PixelLikelihood lik = ImportanceSampling.of(rt.manifest().likelihood());
        return throughput.perSecond(() -> {
            Posterior q = rt.encode(x, NLL_BATCH);
            is.estimate(x, NLL_BATCH, shape.size(), q.mu(), q.logvar(), q.dim(), 0,
                    (z, images, draws, first) -> rt.decode(z, images * draws), lik, ImportanceSampling.STANDARD_NORMAL);
        }, NLL_BATCH);
    }

    static float[] uniform(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat();
        }
        return v;
    }
}
