package dev.vaeforge.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.vae.VaeFlops;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one bench's figures: the table with the peer's figures and the ratios, the memory per phase, the
 * targets' verdicts (all on the command's output), and bench.json. Columns and fields: docs/BENCHMARKS.md.
 */
public final class BenchReport {
    private final BenchSettings settings;
    private final VaeFlops flops;
    private final String loadStart;
    private final String loadEnd;
    private final TrainingBench.Result train;
    private final RuntimeBench.Result runtime;
    private final MatmulPeak.Result matmul;
    private final Map<String, Object> peer;
    private final Map<String, MemorySampler.Phase> memory;
    private final double vmHwmMb;
    /** The peer's figures; null when it did not run. */
    private final JsonNode torch;
    /** The peer trained again with our process settings; null when it did not run. */
    private final Double torchTrainSameSettings;
    private final Map<String, Object> ratios = new LinkedHashMap<>();
    private final Targets targets;
    /** The LPIPS rows; empty when no --lpips-model was given. */
    private final LpipsBench.Result lpips;
    /** int8 against fp32; null when not measured. */
    private Int8Bench.Result int8;

    public BenchReport(BenchSettings settings, VaeFlops flops, String loadStart, String loadEnd, TrainingBench.Result train,
            RuntimeBench.Result runtime, MatmulPeak.Result matmul, Map<String, Object> peer, MemorySampler memory) {
        this(settings, flops, loadStart, loadEnd, train, runtime, matmul, peer, memory,
                new LpipsBench.Result(Double.NaN, java.util.List.of()));
    }

    public BenchReport(BenchSettings settings, VaeFlops flops, String loadStart, String loadEnd, TrainingBench.Result train,
            RuntimeBench.Result runtime, MatmulPeak.Result matmul, Map<String, Object> peer, MemorySampler memory,
            LpipsBench.Result lpips) {
        this.lpips = lpips;
        this.settings = settings;
        this.flops = flops;
        this.loadStart = loadStart;
        this.loadEnd = loadEnd;
        this.train = train;
        this.runtime = runtime;
        this.matmul = matmul;
        this.peer = peer;
        this.memory = new LinkedHashMap<>(memory.phases());
        this.vmHwmMb = MemorySampler.vmHwmMb();
        this.torch = peer.containsKey("result") ? Json.mapper().valueToTree(peer.get("result")) : null;
        JsonNode tuned = Json.mapper().valueToTree(peer).path("same_process_settings").path("result");
        this.torchTrainSameSettings = tuned.isMissingNode() ? null : tuned.path("train_images_per_s").asDouble();

        ratios.put("train_djl_over_torch", ratio(train.imagesPerSecond(), torchTrain()));
        if (torchTrainSameSettings != null) {
            ratios.put("train_djl_over_torch_same_process_settings", ratio(train.imagesPerSecond(), torchTrainSameSettings));
        }
        for (Map.Entry<String, Double> e : runtime.reconstruct().entrySet()) {
            ratios.put("reconstruct_b" + e.getKey() + "_ort_over_torch", ratio(e.getValue(), torchReconstruct(e.getKey())));
        }
        ratios.put("sample_ort_over_torch", ratio(runtime.sampleImagesPerSecond(), torchSample()));
        double r64 = runtime.reconstruct().getOrDefault("64", Double.NaN);
        this.targets = Targets.of(ratio(train.imagesPerSecond(), torchTrain()), ratio(r64, torchReconstruct("64")),
                Double.isNaN(r64) ? null : r64 * flops.forwardFlops() / 1e9 / matmul.peakGflops() * 100,
                runtime.latencyP50Ms(),
                settings.shape().equals(new ImageShape(3, 64, 64)) ? runtime.qualityImagesPerSecond() : null);
    }

    /** This report with the int8 comparison (printed by {@link Int8Bench.Result#print}, written into bench.json). */
    public BenchReport withInt8(Int8Bench.Result r) {
        this.int8 = r;
        return this;
    }

    /** The table, the memory per phase, the peer and the targets. */
    public void print(PrintWriter o) {
        BenchSettings s = settings;
        double peak = matmul.peakGflops();
        o.printf(java.util.Locale.ROOT, "vaeforge bench: vae %dx%dx%d, widths %s, latent %d, training batch %d, %d thread(s), %s%n",
                s.channels(), s.imageSize(), s.imageSize(), s.widths(), s.latentDim(), s.batchSize(), s.threads(), s.device());
        o.printf(java.util.Locale.ROOT, "load average (1, 5, 15 min): %s at start, %s at end; %d cores%n", loadStart, loadEnd,
                Runtime.getRuntime().availableProcessors());
        o.printf(java.util.Locale.ROOT, "model: %.4f GFLOP/image forward (encoder %.4f, decoder %.4f), training %.4f "
                + "(backward counted as 2x forward), sampling %.4f%n", flops.forwardFlops() / 1e9,
                2 * flops.encoderMacs() / 1e9, 2 * flops.decoderMacs() / 1e9, flops.trainFlops() / 1e9,
                flops.sampleFlops() / 1e9);
        o.printf(java.util.Locale.ROOT, "measured peak (fp32 %dx%d matmul): ONNX Runtime %.1f GFLOP/s, DJL/PyTorch %.1f GFLOP/s -> %.1f GFLOP/s%n%n",
                matmul.size(), matmul.size(), matmul.ortGflops(), matmul.djlGflops(), peak);
        BenchTable table = new BenchTable(o, peak);
        table.header();
        if (train.fault() != null) {
            o.println("train (DJL): FAILED, a step was refused by the NaN guard: " + train.fault());
        }
        table.row("train (DJL, warm)", s.batchSize(), train.imagesPerSecond(), flops.trainFlops(), torchTrain());
        if (torchTrainSameSettings != null) {
            // the peer again with OMP_WAIT_POLICY=PASSIVE and our malloc settings (NativeAllocator)
            table.row("train vs torch, same env", s.batchSize(), train.imagesPerSecond(), flops.trainFlops(),
                    torchTrainSameSettings);
        }
        for (Map.Entry<String, Double> e : runtime.reconstruct().entrySet()) {
            table.row("reconstruct (ORT)", Integer.parseInt(e.getKey()), e.getValue(), flops.forwardFlops(),
                    torchReconstruct(e.getKey()));
        }
        if (runtime.spinningB64() != null) {
            table.row("reconstruct (ORT, spinning)", 64, runtime.spinningB64(), flops.forwardFlops(), torchReconstruct("64"));
        }
        table.row("sample (ORT)", s.batchSize(), runtime.sampleImagesPerSecond(), flops.sampleFlops(), torchSample());
        table.row("SSIM+GMSD (ORT)", runtime.qualityBatch(), runtime.qualityImagesPerSecond(), 0, null);
        table.row("NLL S=" + runtime.nllSamples() + " (ORT)", RuntimeBench.NLL_BATCH, runtime.nllImagesPerSecond(), 0, null);
        if (!lpips.rows().isEmpty()) {
            table.row("evaluate, no LPIPS", LpipsBench.BATCH, lpips.withoutLpipsImagesPerSecond(), 0, null);
            for (LpipsBench.Row r : lpips.rows()) {
                table.row("evaluate + LPIPS-" + r.backbone(), LpipsBench.BATCH, r.withLpipsImagesPerSecond(), 0, null);
                table.row("LPIPS-" + r.backbone() + " alone", LpipsBench.BATCH, r.lpipsAloneImagesPerSecond(), 0, null);
            }
        }
        table.latency(runtime.latencyP50Ms(), runtime.latencyP99Ms(), torch == null ? null
                : new double[] {torch.path("latency_ms_p50").asDouble(), torch.path("latency_ms_p99").asDouble()});
        o.println();
        table.memory(memory, vmHwmMb);
        if (torch == null) {
            o.println("peer: " + peer.get("note"));
        } else {
            o.printf("peer: PyTorch %s eager, %s thread(s)%n", torch.path("torch").asText(), torch.path("threads").asText());
        }
        targets.print(o);
    }

    private final Map<String, Object> extras = new LinkedHashMap<>();

    /** A further section of bench.json (e.g. training by prior), after the others. */
    public void extra(String key, Object value) {
        extras.put(key, value);
    }

    /** bench.json. */
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("config", settings.json());
        json.put("load_average_start", loadStart);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("forward_flops_per_image", flops.forwardFlops());
        f.put("sample_flops_per_image", flops.sampleFlops());
        f.put("train_flops_per_image", flops.trainFlops());
        f.put("train_counting", "forward + backward, backward counted as 2x forward; conv and linear MACs x2 only");
        json.put("flops", f);
        json.put("matmul_peak", matmul.json());
        json.put("results", results());
        Map<String, Object> m = new LinkedHashMap<>();
        memory.forEach((phase, figures) -> m.put(phase, figures.json()));
        json.put("memory", m);
        json.put("memory_vmhwm_mb", vmHwmMb);
        json.put("peer", peer);
        json.put("load_average_end", loadEnd);
        json.put("ratios", ratios);
        json.put("targets", targets.json());
        if (int8 != null) {
            json.put("int8", int8.json());
        }
        json.putAll(extras);
        return json;
    }

    /** Writes {@link #json()} to {@code file}, creating its directory. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json()) + "\n");
    }

    private Map<String, Object> results() {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("train_images_per_s", train.imagesPerSecond());
        results.put("train_final_loss", train.finalLoss());
        if (train.fault() != null) {
            results.put("train_fault", train.fault());
        }
        if (runtime.spinningB64() != null) {
            results.put("reconstruct_b64_spinning_on_images_per_s", runtime.spinningB64());
        }
        results.put("reconstruct_images_per_s", runtime.reconstruct());
        results.put("latency_ms_p50", runtime.latencyP50Ms());
        results.put("latency_ms_p99", runtime.latencyP99Ms());
        results.put("sample_images_per_s", runtime.sampleImagesPerSecond());
        results.put("ssim_gmsd_images_per_s", runtime.qualityImagesPerSecond());
        results.put("ssim_gmsd_batch", runtime.qualityBatch());
        results.put("nll_images_per_s", runtime.nllImagesPerSecond());
        results.put("nll_samples", runtime.nllSamples());
        if (!lpips.rows().isEmpty()) {
            results.put("lpips", lpips.json());
        }
        return results;
    }

    // the peer's figures: a missing train or sample figure reads as 0 (no ratio), a missing batch as none
    private Double torchTrain() {
        return torch == null ? null : torch.path("train_images_per_s").asDouble();
    }

    private Double torchSample() {
        return torch == null ? null : torch.path("sample_images_per_s").asDouble();
    }

    private Double torchReconstruct(String batch) {
        return torch == null || torch.path("reconstruct_images_per_s").path(batch).isMissingNode() ? null
                : torch.path("reconstruct_images_per_s").path(batch).asDouble();
    }

    private static Double ratio(double a, Double b) {
        return b == null || !(b > 0) || Double.isNaN(a) ? null : a / b;
    }
}
