package dev.vaeforge.cli.bench;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.quantize.CalibrationMethod;
import dev.vaeforge.runtime.quantize.GateThresholds;
import dev.vaeforge.runtime.quantize.OptimizedGraph;
import dev.vaeforge.runtime.quantize.QuantizeSettings;
import dev.vaeforge.runtime.quantize.Quantizer;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * int8 against fp32, side by side in one run (issue 22): an fp32 bundle is quantised (CPU, QDQ), then
 * reconstruction and sampling are timed at each batch for both, fp32 then int8 per batch, with the
 * ratio; the size of both bundles on disk, the gate's numbers, and the op types of ONNX Runtime's
 * optimised int8 graphs (which layers run in int8 kernels and which fell back).
 */
public final class Int8Bench {
    /** One batch: images/s of fp32 and int8. */
    public record Row(String op, int batch, double fp32, double int8) {
        double ratio() {
            return int8 / fp32;
        }
    }

    public record Result(String source, String calibration, Manifest.Quantization quantization, List<Row> rows,
                         long fp32Bytes, long int8Bytes, Map<String, Map<String, Integer>> int8Ops,
                         Map<String, Map<String, Double>> profileB64) {
        public void print(PrintWriter o) {
            var g = quantization.gate();
            o.printf(Locale.ROOT, "%nint8 vs fp32 (CPU, side by side): %s, calibrated on %d images of %s (%s), gate on %d "
                            + "held-out images %s: PSNR vs fp32 %.2f dB, SSIM change %+.4f, ELBO change %+.3f nats, "
                            + "max latent mean error %.4f; %d layers kept fp32%n", source, quantization.calibration().images(),
                    calibration, quantization.method(), g.images(), g.passed() ? "passed" : "FAILED (forced)",
                    g.psnrVsFp32(), g.ssimChange(), g.elboChange(), g.maxLatentMeanError(), quantization.keptFp32().size());
            o.printf("%-14s %6s %12s %12s %10s%n", "op", "batch", "fp32 img/s", "int8 img/s", "int8/fp32");
            for (Row r : rows) {
                o.printf(Locale.ROOT, "%-14s %6d %12.1f %12.1f %9.2fx%n", r.op(), r.batch(), r.fp32(), r.int8(), r.ratio());
            }
            o.printf(Locale.ROOT, "bundle on disk: fp32 %.1f KiB, int8 %.1f KiB (%.2fx)%n", fp32Bytes / 1024.0,
                    int8Bytes / 1024.0, (double) int8Bytes / fp32Bytes);
            int8Ops.forEach((graph, ops) -> o.printf("ORT optimised int8 %s: %s%n", graph, ops));
            profileB64.forEach((graph, ops) -> o.printf("ORT kernel time per batch of %d, us, %s: %s%n", PROFILE_BATCH,
                    graph, ops));
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", source);
            m.put("calibration", calibration);
            m.put("quantization", quantization);
            List<Map<String, Object>> rs = new java.util.ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("op", r.op());
                j.put("batch", r.batch());
                j.put("fp32_images_per_s", r.fp32());
                j.put("int8_images_per_s", r.int8());
                j.put("int8_over_fp32", r.ratio());
                rs.add(j);
            }
            m.put("rows", rs);
            m.put("fp32_bundle_bytes", fp32Bytes);
            m.put("int8_bundle_bytes", int8Bytes);
            m.put("int8_optimised_ops", int8Ops);
            m.put("kernel_us_by_op_b" + PROFILE_BATCH, profileB64);
            return m;
        }
    }

    /** Batch of the per-op profile. */
    static final int PROFILE_BATCH = 64;
    static final int PROFILE_RUNS = 20;

    private final List<Integer> batches;
    private final Throughput throughput;

    public Int8Bench(List<Integer> batches, Throughput throughput) {
        this.batches = List.copyOf(batches);
        this.throughput = throughput;
    }

    /**
     * The bench's own (freshly initialised) model: calibrated on 128 in-memory shapes images of its size and
     * gated on 128 more; written even when the gate fails (an untrained model is what is timed), and reported so.
     */
    public static QuantizeSettings benchSettings() {
        return new QuantizeSettings(128, CalibrationMethod.MINMAX, QuantizeSettings.DEFAULT_PERCENTILE, 128, List.of(),
                false, GateThresholds.DEFAULTS, true, 0);
    }

    public Result run(Path fp32, ImageDataset data, String dataSpec, QuantizeSettings settings, Path int8) throws Exception {
        Manifest.Quantization q = Quantizer.quantize(fp32, data, dataSpec, int8, true, settings, Quantizer.Progress.NONE)
                .quantization();
        Map<String, Map<String, Integer>> ops = new LinkedHashMap<>();
        for (GraphRole role : List.of(GraphRole.ENCODER, GraphRole.DECODER)) {
            ops.put(role.key(), OptimizedGraph.opCounts(Files.readAllBytes(int8.resolve(role.fileName()))));
        }
        int max = batches.stream().mapToInt(Integer::intValue).max().orElse(64);
        List<Row> rows = new java.util.ArrayList<>();
        Random rnd = new Random(1);
        try (VaeRuntime a = VaeRuntime.open(fp32, Device.CPU, max); VaeRuntime b = VaeRuntime.open(int8, Device.CPU, max)) {
            ImageShape shape = a.imageShape();
            for (int n : batches) {
                float[] x = RuntimeBench.uniform(rnd, n * shape.size());
                double f = throughput.perSecond(() -> a.reconstruct(x, n), n);
                double i = throughput.perSecond(() -> b.reconstruct(x, n), n);
                rows.add(new Row("reconstruct", n, f, i));
            }
            for (int n : batches) {
                long[] seed = {1};
                double f = throughput.perSecond(() -> a.sample(n, seed[0]++), n);
                double i = throughput.perSecond(() -> b.sample(n, seed[0]++), n);
                rows.add(new Row("sample", n, f, i));
            }
        }
        Map<String, Map<String, Double>> profile = new LinkedHashMap<>();
        Manifest m = dev.vaeforge.runtime.bundle.BundleReader.open(int8).manifest();
        var image = m.graphs().get("encoder").input(dev.vaeforge.runtime.bundle.TensorRole.IMAGE).orElseThrow();
        var latent = m.graphs().get("decoder").input(dev.vaeforge.runtime.bundle.TensorRole.LATENT).orElseThrow();
        ImageShape shape = m.image().shape();
        long[] ls = m.latent().shape();
        long[] zShape = new long[ls.length + 1];
        zShape[0] = PROFILE_BATCH;
        System.arraycopy(ls, 0, zShape, 1, ls.length);
        Map<String, dev.vaeforge.runtime.model.Tensor> encFeed = Map.of(image.name(), dev.vaeforge.runtime.model.Tensor.of(
                RuntimeBench.uniform(rnd, PROFILE_BATCH * shape.size()), PROFILE_BATCH, shape.channels(), shape.height(),
                shape.width()));
        Map<String, dev.vaeforge.runtime.model.Tensor> decFeed = Map.of(latent.name(), dev.vaeforge.runtime.model.Tensor.of(
                gaussian(rnd, PROFILE_BATCH * m.latent().size()), zShape));
        for (String precision : List.of("fp32", "int8")) {
            Path dir = precision.equals("fp32") ? fp32 : int8;
            profile.put(precision + " encoder", dev.vaeforge.runtime.quantize.OpProfile.microsByOp(
                    Files.readAllBytes(dir.resolve(GraphRole.ENCODER.fileName())), encFeed, PROFILE_RUNS));
            profile.put(precision + " decoder", dev.vaeforge.runtime.quantize.OpProfile.microsByOp(
                    Files.readAllBytes(dir.resolve(GraphRole.DECODER.fileName())), decFeed, PROFILE_RUNS));
        }
        return new Result(fp32.getFileName().toString(), dataSpec, q, rows, size(fp32), size(int8), ops, profile);
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
