package dev.vaeforge.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.engine.NativeAllocator;
import dev.vaeforge.trainer.engine.OpenMpWait;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.train.BatchLoader;
import dev.vaeforge.trainer.train.NumericalFaultException;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.vae.VaeFlops;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The performance harness of issue 6: training throughput of the DJL trainer, batched reconstruction,
 * latency, sampling and SSIM+GMSD throughput of the runtime, memory per phase, FLOPs and achieved
 * GFLOP/s against a measured matrix-multiply peak, and the same figures from a PyTorch eager peer
 * (bench/peers/torch_vae.py) run in the same invocation, with the ratios. Columns: docs/BENCHMARKS.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark the trainer and the runtime on one model config against a PyTorch eager peer "
                + "of the same architecture; print a table and optionally write JSON. In-memory shapes and random data, no disk I/O. "
                + "Timings are never asserted; on a shared machine note the load average it prints.",
                "Example: vaeforge bench --out bench.json",
                "Quick: vaeforge bench --image-size 16 --widths 8,8 --latent-dim 4 --steps 3 --recon-batches 1,4 --no-peer"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--image-size", defaultValue = "64", description = "Square image size. Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--channels", defaultValue = "3", description = "Image channels (1 or 3). Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--widths", split = ",", defaultValue = "32,32,64,64",
            description = "Encoder widths. Default: ${DEFAULT-VALUE}, the CLI's default conv VAE for 64x64 (the targets' model).")
    List<Integer> widths;

    @Option(names = "--latent-dim", defaultValue = "10", description = "Latent dimension. Default: ${DEFAULT-VALUE}.")
    int latentDim;

    @Option(names = "--batch-size", defaultValue = "64", description = "Training and sampling batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--steps", defaultValue = "20", description = "Timed training steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up training steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--recon-batches", split = ",", defaultValue = "1,16,64,256",
            description = "Reconstruction batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> reconBatches;

    @Option(names = "--latency-iters", defaultValue = "200", description = "Batch-1 calls timed for p50/p99. Default: ${DEFAULT-VALUE}.")
    int latencyIters;

    @Option(names = "--seconds", defaultValue = "3", description = "Minimum time per throughput figure. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--matmul-size", defaultValue = "2048", description = "Square matmul size for the peak. Default: ${DEFAULT-VALUE}.")
    int matmulSize;

    @Option(names = "--threads", defaultValue = "0", description = "Threads for DJL, ONNX Runtime and the peer; 0 = cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Device for training and the runtime. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path out;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the peer. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--peer-script", paramLabel = "FILE", description = "The peer script. Default: bench/peers/torch_vae.py of the checkout.")
    Path peerScript;

    private final MemorySampler memory = new MemorySampler();
    private final Map<String, Object> memoryJson = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        if (steps < 1 || warmup < 0 || batchSize < 1 || latencyIters < 1 || reconBatches.isEmpty()) {
            throw new IllegalArgumentException("--steps, --batch-size and --latency-iters must be >= 1, --warmup >= 0");
        }
        for (int b : reconBatches) {
            if (b < 1) {
                throw new IllegalArgumentException("--recon-batches must be >= 1, got " + reconBatches);
            }
        }
        EngineSetup.configure(n);
        if (System.getProperty("vaeforge.threads") == null) {
            System.setProperty("vaeforge.threads", Integer.toString(n));
        }
        Device rtDevice = Device.parse(device);
        ai.djl.Device djlDevice;
        try {
            djlDevice = EngineSetup.device(device);
        } catch (IllegalStateException e) {
            throw new VaeforgeException(VaeforgeException.Code.DEVICE, e.getMessage());
        }
        if (rtDevice.kind() == Device.Kind.CUDA) {
            Sessions.options(rtDevice).close(); // fails cleanly without the CUDA execution provider
        }
        VaeConfig model = new VaeConfig(channels, imageSize, latentDim, widths, Likelihood.BERNOULLI, 0);
        VaeFlops flops = VaeFlops.of(model);
        ImageShape shape = model.imageShape();
        String loadBefore = loadAverage();
        memory.start();

        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", "vae");
        config.put("image", List.of(channels, imageSize, imageSize));
        config.put("widths", widths);
        config.put("latent_dim", latentDim);
        config.put("batch_size", batchSize);
        config.put("steps", steps);
        config.put("warmup", warmup);
        config.put("threads", n);
        config.put("device", device);
        config.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("config", config);
        json.put("load_average_start", loadBefore);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("forward_flops_per_image", flops.forwardFlops());
        f.put("sample_flops_per_image", flops.sampleFlops());
        f.put("train_flops_per_image", flops.trainFlops());
        f.put("train_counting", "forward + backward, backward counted as 2x forward; conv and linear MACs x2 only");
        json.put("flops", f);

        Path tmp = Files.createTempDirectory("vaeforge-bench");
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            // 1. training
            phase("train");
            TrainConfig tc = TrainConfig.builder(model, "bench:shapes").optBatchSize(batchSize).optSeed(42)
                    .optThreads(n).optDevice(device).build();
            Random rnd = new Random(1);
            float[] x = shapesBatch(batchSize);
            Path bundle = tmp.resolve("bundle");
            double trainRate;
            float lastLoss;
            String trainFault = null;
            try (TrainingSession s = new TrainingSession(tc, djlDevice)) {
                BatchLoader.Batch batch = new BatchLoader.Batch(x, batchSize);
                int k = 0;
                for (int i = 0; i < warmup; i++) {
                    k++;
                    s.step(batch, 1, k, k);
                }
                long t0 = System.nanoTime();
                float[] m = null;
                for (int i = 0; i < steps; i++) {
                    k++;
                    m = s.step(batch, 1, k, k);
                }
                double el = (System.nanoTime() - t0) / 1e9;
                trainRate = (double) batchSize * steps / el;
                lastLoss = m[0];
            } catch (NumericalFaultException e) {
                // the step guard refused a step: report it rather than a throughput of refused steps
                trainFault = e.getMessage();
                trainRate = Double.NaN;
                lastLoss = Float.NaN;
            }
            endPhase("train");
            try (TrainingSession s = new TrainingSession(tc, djlDevice)) {
                phase("export");
                Manifest.Provenance p = new Manifest.Provenance(Map.of(), "bench:shapes", "0", 0, 0L,
                        Map.of(), 42, Map.of(), System.getProperty("java.version"), System.getProperty("os.name"),
                        System.getProperty("os.arch"), null);
                Exporter.export(model, s.model().getBlock(), p, bundle, Exporter.Options.defaults());
                endPhase("export");
            }
            results.put("train_images_per_s", trainRate);
            results.put("train_final_loss", lastLoss);
            if (trainFault != null) {
                results.put("train_fault", trainFault);
            }

            // 2. reconstruction, latency, sampling
            phase("runtime");
            Map<String, Double> recon = new LinkedHashMap<>();
            double p50;
            double p99;
            double sampleRate;
            int maxBatch = reconBatches.stream().mapToInt(Integer::intValue).max().getAsInt();
            try (VaeRuntime rt = VaeRuntime.open(bundle, rtDevice, Math.max(maxBatch, batchSize))) {
                for (int b : reconBatches) {
                    float[] xb = uniform(rnd, b * shape.size());
                    recon.put(Integer.toString(b), rate(() -> rt.reconstruct(xb, b), b));
                }
                float[] x1 = uniform(rnd, shape.size());
                for (int i = 0; i < 10; i++) {
                    rt.reconstruct(x1, 1);
                }
                double[] lat = new double[latencyIters];
                for (int i = 0; i < latencyIters; i++) {
                    long t = System.nanoTime();
                    rt.reconstruct(x1, 1);
                    lat[i] = (System.nanoTime() - t) / 1e6;
                }
                Arrays.sort(lat);
                p50 = lat[lat.length / 2];
                p99 = lat[Math.min(lat.length - 1, (int) (lat.length * 0.99))];
                long[] seed = {1};
                sampleRate = rate(() -> rt.sample(batchSize, seed[0]++), batchSize);
            }
            // the same reconstruction with ONNX Runtime's intra-op spinning on (ORT's own default; ours is
            // off), side by side, so the choice of default stays measured
            Double spin64 = null;
            if (System.getProperty(Sessions.ALLOW_SPINNING) == null && reconBatches.contains(64)) {
                System.setProperty(Sessions.ALLOW_SPINNING, "1");
                try (VaeRuntime rt = VaeRuntime.open(bundle, rtDevice, Math.max(maxBatch, batchSize))) {
                    float[] xb = uniform(rnd, 64 * shape.size());
                    spin64 = rate(() -> rt.reconstruct(xb, 64), 64);
                } finally {
                    System.clearProperty(Sessions.ALLOW_SPINNING);
                }
                results.put("reconstruct_b64_spinning_on_images_per_s", spin64);
            }
            endPhase("runtime");
            results.put("reconstruct_images_per_s", recon);
            results.put("latency_ms_p50", p50);
            results.put("latency_ms_p99", p99);
            results.put("sample_images_per_s", sampleRate);

            // 3. SSIM + GMSD
            phase("evaluate");
            double evalRate;
            int eb = 64;
            float[] a = uniform(rnd, eb * shape.size());
            float[] c = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                c[i] = Math.min(1f, Math.max(0f, a[i] + 0.1f * (float) rnd.nextGaussian()));
            }
            try (ImageQualityMetrics q = new ImageQualityMetrics()) {
                evalRate = rate(() -> q.quality(a, c, eb, shape), eb);
            }
            endPhase("evaluate");
            results.put("ssim_gmsd_images_per_s", evalRate);
            results.put("ssim_gmsd_batch", eb);

            // 4. matmul peak
            phase("matmul");
            double ortPeak = ortMatmulGflops(n);
            double djlPeak = djlMatmulGflops(djlDevice);
            endPhase("matmul");
            double peak = Math.max(ortPeak, djlPeak);
            Map<String, Object> pk = new LinkedHashMap<>();
            pk.put("size", matmulSize);
            pk.put("ort_gflops", ortPeak);
            pk.put("djl_gflops", djlPeak);
            pk.put("measured_peak_gflops", peak);
            json.put("matmul_peak", pk);

            // 5. peer
            Map<String, Object> peer = peer(n);
            json.put("results", results);
            json.put("memory", memoryJson);
            json.put("memory_vmhwm_mb", mb(MemorySampler.status("VmHWM:")));
            json.put("peer", peer);
            String loadAfter = loadAverage();
            json.put("load_average_end", loadAfter);

            // table
            double train = trainRate;
            double r64 = recon.getOrDefault(Integer.toString(64), Double.NaN);
            Map<String, Object> ratios = new LinkedHashMap<>();
            o.printf(Locale.ROOT, "vaeforge bench: vae %dx%dx%d, widths %s, latent %d, training batch %d, %d thread(s), %s%n",
                    channels, imageSize, imageSize, widths, latentDim, batchSize, n, device);
            o.printf(Locale.ROOT, "load average (1, 5, 15 min): %s at start, %s at end; %d cores%n", loadBefore, loadAfter,
                    Runtime.getRuntime().availableProcessors());
            o.printf(Locale.ROOT, "model: %.4f GFLOP/image forward (encoder %.4f, decoder %.4f), training %.4f "
                    + "(backward counted as 2x forward), sampling %.4f%n", flops.forwardFlops() / 1e9,
                    2 * flops.encoderMacs() / 1e9, 2 * flops.decoderMacs() / 1e9, flops.trainFlops() / 1e9,
                    flops.sampleFlops() / 1e9);
            o.printf(Locale.ROOT, "measured peak (fp32 %dx%d matmul): ONNX Runtime %.1f GFLOP/s, DJL/PyTorch %.1f GFLOP/s -> %.1f GFLOP/s%n%n",
                    matmulSize, matmulSize, ortPeak, djlPeak, peak);
            JsonNode pr = peer.containsKey("result") ? Json.mapper().valueToTree(peer.get("result")) : null;
            o.printf("%-26s %6s %11s %9s %8s %6s %12s %7s%n", "what", "batch", "images/s", "ms/call", "GFLOP/s", "%peak",
                    "torch eager", "ratio");
            Double tTrain = pr == null ? null : pr.path("train_images_per_s").asDouble();
            if (trainFault != null) {
                o.println("train (DJL): FAILED, a step was refused by the NaN guard: " + trainFault);
            }
            row(o, "train (DJL, warm)", batchSize, train, flops.trainFlops(), peak, tTrain);
            ratios.put("train_djl_over_torch", ratio(train, tTrain));
            JsonNode tuned = Json.mapper().valueToTree(peer).path("same_process_settings").path("result");
            Double tTrainTuned = tuned.isMissingNode() ? null : tuned.path("train_images_per_s").asDouble();
            if (tTrainTuned != null) {
                // the peer again with OMP_WAIT_POLICY=PASSIVE and our malloc settings (NativeAllocator)
                row(o, "train vs torch, same env", batchSize, train, flops.trainFlops(), peak, tTrainTuned);
                ratios.put("train_djl_over_torch_same_process_settings", ratio(train, tTrainTuned));
            }
            for (Map.Entry<String, Double> e : recon.entrySet()) {
                Double t = pr == null || pr.path("reconstruct_images_per_s").path(e.getKey()).isMissingNode() ? null
                        : pr.path("reconstruct_images_per_s").path(e.getKey()).asDouble();
                row(o, "reconstruct (ORT)", Integer.parseInt(e.getKey()), e.getValue(), flops.forwardFlops(), peak, t);
                ratios.put("reconstruct_b" + e.getKey() + "_ort_over_torch", ratio(e.getValue(), t));
            }
            if (spin64 != null) {
                Double t = pr == null || pr.path("reconstruct_images_per_s").path("64").isMissingNode() ? null
                        : pr.path("reconstruct_images_per_s").path("64").asDouble();
                row(o, "reconstruct (ORT, spinning)", 64, spin64, flops.forwardFlops(), peak, t);
            }
            Double tSample = pr == null ? null : pr.path("sample_images_per_s").asDouble();
            row(o, "sample (ORT)", batchSize, sampleRate, flops.sampleFlops(), peak, tSample);
            ratios.put("sample_ort_over_torch", ratio(sampleRate, tSample));
            row(o, "SSIM+GMSD (ORT)", eb, evalRate, 0, peak, null);
            o.printf(Locale.ROOT, "%-26s %6d  p50 %.3f ms, p99 %.3f ms%s%n", "latency reconstruct (ORT)", 1, p50, p99,
                    pr == null ? "" : String.format(Locale.ROOT, "; torch eager p50 %.3f ms, p99 %.3f ms",
                            pr.path("latency_ms_p50").asDouble(), pr.path("latency_ms_p99").asDouble()));
            o.println();
            o.printf("%-10s %13s %13s %12s %13s%n", "phase", "heap peak MB", "RSS start MB", "RSS peak MB", "RSS growth MB");
            for (Map.Entry<String, Object> e : memoryJson.entrySet()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) e.getValue();
                o.printf(Locale.ROOT, "%-10s %13.0f %13.0f %12.0f %13.0f%n", e.getKey(), m.get("heap_peak_mb"),
                        m.get("rss_start_mb"), m.get("rss_peak_mb"), m.get("rss_growth_mb"));
            }
            o.printf(Locale.ROOT, "process peak RSS (VmHWM, whole run, cannot be reset per phase): %.0f MB; JVM max heap %.0f MB%n%n",
                    mb(MemorySampler.status("VmHWM:")), Runtime.getRuntime().maxMemory() / 1e6);
            if (pr == null) {
                o.println("peer: " + peer.get("note"));
            } else {
                o.printf("peer: PyTorch %s eager, %s thread(s)%n", pr.path("torch").asText(), pr.path("threads").asText());
            }
            Map<String, Object> targets = new LinkedHashMap<>();
            target(o, targets, "train DJL >= 1.0x torch eager", ratio(train, tTrain), 1.0, "x");
            Double t64 = pr == null || pr.path("reconstruct_images_per_s").path("64").isMissingNode() ? null
                    : pr.path("reconstruct_images_per_s").path("64").asDouble();
            target(o, targets, "reconstruct b64 ORT >= 1.6x torch eager", ratio(r64, t64), 1.6, "x");
            target(o, targets, "reconstruct b64 >= 80% of measured peak",
                    Double.isNaN(r64) ? null : r64 * flops.forwardFlops() / 1e9 / peak * 100, 80.0, "%");
            targetMax(o, targets, "latency b1 p50 <= 1.5 ms", p50, 1.5, "ms");
            if (shape.equals(new ImageShape(3, 64, 64))) {
                target(o, targets, "SSIM+GMSD >= 7,300 images/s", evalRate, 7300.0, "images/s");
            }
            json.put("ratios", ratios);
            json.put("targets", targets);
            o.flush();
            if (out != null) {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
                o.println("wrote " + out);
            }
            return 0;
        } finally {
            memory.stop();
            AtomicFiles.deleteTree(tmp);
        }
    }

    private static Double ratio(double a, Double b) {
        return b == null || !(b > 0) || Double.isNaN(a) ? null : a / b;
    }

    private static void row(PrintWriter o, String what, int batch, double rate, long flopsPerImage, double peak, Double torch) {
        String gf = flopsPerImage > 0 ? String.format(Locale.ROOT, "%8.1f", rate * flopsPerImage / 1e9) : String.format("%8s", "-");
        String pc = flopsPerImage > 0 && peak > 0 ? String.format(Locale.ROOT, "%5.0f%%", rate * flopsPerImage / 1e9 / peak * 100)
                : String.format("%6s", "-");
        String t = torch == null ? String.format("%12s %7s", "-", "-")
                : String.format(Locale.ROOT, "%12.1f %6.2fx", torch, rate / torch);
        o.printf(Locale.ROOT, "%-26s %6d %11.1f %9.3f %s %s %s%n", what, batch, rate, batch / rate * 1e3, gf, pc, t);
    }

    private static void target(PrintWriter o, Map<String, Object> t, String name, Double value, double min, String unit) {
        String status = value == null ? "not measured" : value >= min ? "MET" : "MISSED";
        o.printf(Locale.ROOT, "target %-42s %s%s%n", name + ":", status,
                value == null ? "" : String.format(Locale.ROOT, " (%.2f %s)", value, unit));
        t.put(name, Map.of("value", value == null ? "n/a" : value, "status", status));
    }

    private static void targetMax(PrintWriter o, Map<String, Object> t, String name, double value, double max, String unit) {
        String status = value <= max ? "MET" : "MISSED";
        o.printf(Locale.ROOT, "target %-42s %s (%.3f %s)%n", name + ":", status, value, unit);
        t.put(name, Map.of("value", value, "status", status));
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** Images/s of {@code call}: two untimed calls, then at least 3 calls and --seconds. */
    private double rate(Call call, int imagesPerCall) throws Exception {
        call.run();
        call.run();
        long start = System.nanoTime();
        long calls = 0;
        double el;
        do {
            call.run();
            calls++;
            el = (System.nanoTime() - start) / 1e9;
        } while (calls < 3 || el < seconds);
        return imagesPerCall * calls / el;
    }

    private double ortMatmulGflops(int n) throws Exception {
        int s = matmulSize;
        GraphBuilder g = new GraphBuilder("matmul");
        String a = g.input("a", DType.FLOAT, s, s);
        String b = g.input("b", DType.FLOAT, s, s);
        String c = g.op("MatMul").in(a, b).out("c");
        g.output("c", c, DType.FLOAT, s, s);
        byte[] bytes = g.build(Map.of()).toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random rnd = new Random(3);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(n);
            try (OrtSession session = env.createSession(bytes, opts);
                 OnnxTensor ta = OnnxTensor.createTensor(env, FloatBuffer.wrap(uniform(rnd, s * s)), new long[] {s, s});
                 OnnxTensor tb = OnnxTensor.createTensor(env, FloatBuffer.wrap(uniform(rnd, s * s)), new long[] {s, s})) {
                Map<String, OnnxTensor> feed = Map.of("a", ta, "b", tb);
                double perSecond = rate(() -> {
                    try (OrtSession.Result r = session.run(feed)) {
                        r.get(0);
                    }
                }, 1);
                return perSecond * 2.0 * s * s * s / 1e9;
            }
        }
    }

    private double djlMatmulGflops(ai.djl.Device d) throws Exception {
        int s = matmulSize;
        try (NDManager m = NDManager.newBaseManager(d)) {
            NDArray a = m.randomUniform(0, 1, new Shape(s, s));
            NDArray b = m.randomUniform(0, 1, new Shape(s, s));
            double perSecond = rate(() -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // forces completion
                }
            }, 1);
            return perSecond * 2.0 * s * s * s / 1e9;
        }
    }

    /** Runs the PyTorch peer; a map with "result" (its JSON) or "note" (why it was skipped). */
    private Map<String, Object> peer(int n) throws IOException, InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        if (noPeer) {
            r.put("note", "skipped (--no-peer)");
            return r;
        }
        if (!Files.isExecutable(Path.of(python))) {
            r.put("note", "skipped: " + python + " not found");
            return r;
        }
        Path script = peerScript != null ? peerScript : findScript();
        if (script == null || !Files.isRegularFile(script)) {
            r.put("note", "skipped: peer script " + (script == null ? "bench/peers/torch_vae.py" : script) + " not found");
            return r;
        }
        phase("peer");
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--channels", Integer.toString(channels),
                "--size", Integer.toString(imageSize), "--widths", join(widths), "--latent", Integer.toString(latentDim),
                "--batch", Integer.toString(batchSize), "--steps", Integer.toString(steps), "--warmup",
                Integer.toString(warmup), "--threads", Integer.toString(n), "--recon-batches", join(reconBatches),
                "--latency-iters", Integer.toString(latencyIters), "--seconds", Double.toString(seconds)));
        try {
            if (!runPeer(cmd, Map.of(), r)) {
                return r;
            }
            // training again with the process settings our trainer gives itself (EngineSetup), so that
            // the ratio of the kernels and of the settings can be told apart
            List<String> again = new ArrayList<>(cmd);
            again.add("--train-only");
            Map<String, String> env = Map.of(OpenMpWait.VARIABLE, "PASSIVE", "GLIBC_TUNABLES", NativeAllocator.glibcTunables());
            Map<String, Object> tuned = new LinkedHashMap<>();
            runPeer(again, env, tuned);
            tuned.put("environment", env);
            r.put("same_process_settings", tuned);
            return r;
        } finally {
            endPhase("peer");
        }
    }

    /** Runs one peer command with {@code env} added; puts its JSON under "result" (true) or a "note" saying why not. */
    private static boolean runPeer(List<String> cmd, Map<String, String> env, Map<String, Object> r)
            throws IOException, InterruptedException {
        Path err = Files.createTempFile("vaeforge-peer", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
            }
            String text = new String(stdout, StandardCharsets.UTF_8).trim();
            String errText = Files.readString(err).trim();
            if (p.exitValue() != 0 || text.isEmpty()) {
                r.put("note", (errText.contains("No module named 'torch'") ? "skipped: torch is not installed for " + cmd.get(0)
                        : "skipped: the peer failed (exit " + p.exitValue() + "): " + lastLine(errText)));
                return false;
            }
            String last = text.substring(text.lastIndexOf('\n') + 1);
            r.put("command", String.join(" ", cmd));
            r.put("result", Json.mapper().readTree(last));
            return true;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String lastLine(String s) {
        return s.isEmpty() ? "no message" : s.substring(s.lastIndexOf('\n') + 1);
    }

    private static String join(List<Integer> v) {
        return String.join(",", v.stream().map(String::valueOf).toList());
    }

    private static Path findScript() {
        Path rel = Path.of("bench", "peers", "torch_vae.py");
        List<Path> candidates = new ArrayList<>(List.of(rel, Path.of("..").resolve(rel)));
        try {
            Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cli/target/vaeforge-cli.jar or cli/target/classes -> the checkout
            candidates.add(jar.toAbsolutePath().getParent().getParent().getParent().resolve(rel));
        } catch (Exception | Error ignored) {
            // no code source: only the working directory
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        return null;
    }

    private void phase(String name) {
        memory.reset();
    }

    private void endPhase(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heap_peak_mb", memory.heapPeak / 1e6);
        m.put("rss_start_mb", mb(memory.rssStart));
        m.put("rss_peak_mb", mb(memory.rssPeak));
        m.put("rss_growth_mb", mb(memory.rssPeak) - mb(memory.rssStart));
        m.put("vmhwm_after_mb", mb(MemorySampler.status("VmHWM:")));
        memoryJson.put(name, m);
    }

    private static double mb(long kb) {
        return kb < 0 ? Double.NaN : kb * 1024 / 1e6;
    }

    /** One batch of the built-in shapes dataset at the bench's size, generated in memory (no disk I/O). */
    private float[] shapesBatch(int n) throws IOException {
        ImageDataset d = DatasetResolver.open("shapes:n=" + n + ",size=" + imageSize + (channels == 3 ? ",rgb" : "")
                + ",seed=" + 5, DatasetOptions.defaults());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return d.batch(idx, 0, n);
    }

    private static float[] uniform(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat();
        }
        return v;
    }

    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * Samples the used heap and the resident set every 20 ms (allocating almost nothing) on a daemon thread. VmHWM (the process's peak RSS) is
     * read at the end of each phase: it cannot be reset, so per phase we report the sampled RSS growth.
     */
    static final class MemorySampler {
        /** Diagnosis only: collect garbage every sample (-Dvaeforge.bench.gcstress=true). */
        static final boolean GC_STRESS = Boolean.getBoolean("vaeforge.bench.gcstress");
        volatile long heapPeak;
        volatile long rssStart;
        volatile long rssPeak;
        private volatile boolean running;
        private Thread thread;

        void start() {
            running = !Boolean.getBoolean("vaeforge.bench.nosampler");
            reset();
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    if (GC_STRESS) {
                        System.gc();
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "vaeforge-bench-memory");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void reset() {
            Runtime r = Runtime.getRuntime();
            heapPeak = r.totalMemory() - r.freeMemory();
            rssStart = status("VmRSS:");
            rssPeak = rssStart;
        }

        synchronized void sample() {
            Runtime r = Runtime.getRuntime();
            heapPeak = Math.max(heapPeak, r.totalMemory() - r.freeMemory());
            rssPeak = Math.max(rssPeak, rssFromStatm());
        }

        void stop() {
            running = false;
            if (thread != null) {
                thread.interrupt();
            }
        }

        private final byte[] statm = new byte[128];

        /** VmRSS in kB from /proc/self/statm (resident pages x 4 kB), read into a reused buffer. */
        private long rssFromStatm() {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile("/proc/self/statm", "r")) {
                int len = f.read(statm);
                int i = 0;
                while (i < len && statm[i] != ' ') {
                    i++;
                }
                long pages = 0;
                for (i++; i < len && statm[i] >= '0' && statm[i] <= '9'; i++) {
                    pages = pages * 10 + (statm[i] - '0');
                }
                return pages * 4;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** A /proc/self/status field in kB, or -1 where there is none. */
        static long status(String key) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }
}
