package dev.vaeforge.cli.bench;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.metrics.PixelMetrics;
import dev.vaeforge.runtime.metrics.lpips.LpipsModel;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What LPIPS costs in {@code evaluate} (phase "lpips"): images/s of evaluate's per-batch
 * reconstruction work (ORT reconstruction, MSE, PSNR, SSIM and GMSD of x against it) without LPIPS,
 * then the same with each given LPIPS graph, and each graph alone, all at batch {@link #BATCH} on
 * the bench's image shape and random images.
 */
public final class LpipsBench {
    static final int BATCH = 64;

    /** One graph's figures: evaluate's work with it, and it alone (images/s). */
    public record Row(String graph, String backbone, String sha256, double withLpipsImagesPerSecond,
                      double lpipsAloneImagesPerSecond) {
    }

    /** @param withoutLpipsImagesPerSecond evaluate's work without LPIPS; NaN when no graph was given */
    public record Result(double withoutLpipsImagesPerSecond, List<Row> rows) {
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", BATCH);
            m.put("evaluate_without_lpips_images_per_s", withoutLpipsImagesPerSecond);
            m.put("graphs", rows);
            return m;
        }
    }

    private final BenchSettings settings;
    private final Device device;
    private final Throughput throughput;
    private final MemorySampler memory;

    public LpipsBench(BenchSettings settings, Device device, Throughput throughput, MemorySampler memory) {
        this.settings = settings;
        this.device = device;
        this.throughput = throughput;
        this.memory = memory;
    }

    /** Refuses, before any work, a graph that cannot open or cannot take the bench's image size. */
    public void check(List<Path> graphs) {
        for (Path g : graphs) {
            try (LpipsModel lp = LpipsModel.open(g, device)) {
                String why = lp.unsupportedReason(settings.shape());
                if (why != null) {
                    throw dev.vaeforge.runtime.VaeforgeException.badParameter("lpips-model " + g.getFileName() + ": "
                            + why + "; set image-size to at least " + lp.info().minHeight(), "lpips-model", "image-size");
                }
            }
        }
    }

    /** Nothing is measured (and the result is empty) without graphs. */
    public Result run(Path bundle, List<Path> graphs) throws Exception {
        if (graphs.isEmpty()) {
            return new Result(Double.NaN, List.of());
        }
        memory.beginPhase();
        ImageShape shape = settings.shape();
        float[] x = RuntimeBench.uniform(new Random(3), BATCH * shape.size());
        List<Row> rows = new ArrayList<>();
        double without;
        try (VaeRuntime rt = VaeRuntime.open(bundle, device, BATCH);
             ImageQualityMetrics q = new ImageQualityMetrics()) {
            float[] rec = rt.reconstruct(x, BATCH);
            without = throughput.perSecond(() -> evaluateBatch(rt, q, x, shape), BATCH);
            for (Path g : graphs) {
                try (LpipsModel lp = LpipsModel.open(g, device)) {
                    double with = throughput.perSecond(() -> {
                        float[] r = evaluateBatch(rt, q, x, shape);
                        lp.distance(x, r, BATCH, shape);
                    }, BATCH);
                    double alone = throughput.perSecond(() -> lp.distance(x, rec, BATCH, shape), BATCH);
                    rows.add(new Row(g.getFileName().toString(), lp.info().backbone(), lp.sha256(), with, alone));
                }
            }
        }
        memory.endPhase("lpips");
        return new Result(without, List.copyOf(rows));
    }

    /** evaluate's reconstruction-pass work on one batch without LPIPS; returns the reconstructions. */
    private static float[] evaluateBatch(VaeRuntime rt, ImageQualityMetrics q, float[] x, ImageShape shape) throws Exception {
        float[] r = rt.reconstruct(x, BATCH);
        double[] mse = PixelMetrics.mse(x, r, BATCH, shape);
        for (double m : mse) {
            PixelMetrics.psnr(m);
        }
        q.quality(x, r, BATCH, shape);
        return r;
    }
}
