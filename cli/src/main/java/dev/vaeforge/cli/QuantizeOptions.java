package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.quantize.CalibrationMethod;
import dev.vaeforge.runtime.quantize.GateThresholds;
import dev.vaeforge.runtime.quantize.QuantizeSettings;
import dev.vaeforge.runtime.quantize.Quantizer;
import dev.vaeforge.trainer.train.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options of int8 quantisation, shared by {@code quantize} and {@code export --precision int8}. */
final class QuantizeOptions {
    @Option(names = "--calibration", paramLabel = "SPEC", description = "Dataset to calibrate on (its first "
            + "--calibration-images images) and to gate on (the next --gate-images), e.g. idx:/usr/share/datasets/fashion-mnist.")
    String calibration;

    @Option(names = "--calibration-images", defaultValue = "" + QuantizeSettings.DEFAULT_CALIBRATION_IMAGES,
            description = "Images to calibrate activation ranges on (>= " + QuantizeSettings.MIN_CALIBRATION_IMAGES
                    + "). Default: ${DEFAULT-VALUE}.")
    int calibrationImages;

    @Option(names = "--gate-images", defaultValue = "" + QuantizeSettings.DEFAULT_GATE_IMAGES,
            description = "Held-out images of the quality gate (>= " + QuantizeSettings.MIN_GATE_IMAGES
                    + "). Default: ${DEFAULT-VALUE}.")
    int gateImages;

    @Option(names = "--method", defaultValue = "minmax", paramLabel = "minmax|percentile",
            description = "Activation ranges: min and max seen, or percentiles (--percentile). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--percentile", defaultValue = "" + QuantizeSettings.DEFAULT_PERCENTILE,
            description = "For --method percentile: the range is the (100-p)th to pth percentile. Default: ${DEFAULT-VALUE}.")
    double percentile;

    @Option(names = "--keep-fp32", split = ",", paramLabel = "LAYERS", description = "Layers (node names, as "
            + "'vaeforge inspect' lists them) to leave in fp32, or 'none' to also switch off the sensitivity pass; "
            + "otherwise, when the gate fails, the layers that hurt most are kept in fp32 one at a time until it passes.")
    List<String> keepFp32 = new ArrayList<>();

    @Option(names = "--min-psnr", defaultValue = "35", description = "Gate: PSNR of int8 against fp32 reconstructions, dB. Default: ${DEFAULT-VALUE}.")
    double minPsnr;

    @Option(names = "--max-ssim-drop", defaultValue = "0.01", description = "Gate: largest drop of mean SSIM against the originals. Default: ${DEFAULT-VALUE}.")
    double maxSsimDrop;

    @Option(names = "--max-elbo-change", defaultValue = "0.01", description = "Gate: largest change of the mean ELBO, as a fraction of |fp32 ELBO|. Default: ${DEFAULT-VALUE}.")
    double maxElboChange;

    @Option(names = "--max-latent-error", defaultValue = "0.1", description = "Gate: largest |int8 - fp32| of a latent mean. Default: ${DEFAULT-VALUE}.")
    double maxLatentError;

    @Option(names = "--force", description = "Write the int8 bundle even when it fails the gate (recorded as forced).")
    boolean force;

    QuantizeSettings settings() {
        boolean none = keepFp32.size() == 1 && keepFp32.get(0).equals("none");
        return new QuantizeSettings(calibrationImages, CalibrationMethod.parse(method), percentile, gateImages,
                none ? List.of() : keepFp32, !none, new GateThresholds(minPsnr, maxSsimDrop, maxElboChange, maxLatentError),
                force, 0);
    }

    /** Opens --calibration (after the settings were checked, so bad flags fail before data is read). */
    ImageDataset open() throws IOException {
        if (calibration == null) {
            throw VaeforgeException.badParameter("calibration is required: the dataset to calibrate and gate on",
                    "calibration");
        }
        return DatasetResolver.open(calibration, DatasetOptions.defaults());
    }

    Quantizer.Result quantize(Path bundle, Path out, boolean overwrite, PrintWriter err) throws IOException {
        QuantizeSettings s = settings();
        ImageDataset data = open();
        return Quantizer.quantize(bundle, data, calibration, out, overwrite, s, progress(err));
    }

    static Quantizer.Progress progress(PrintWriter err) {
        EvalProgressBar[] bar = new EvalProgressBar[1];
        String[] current = {null};
        long[] start = {0};
        boolean terminal = ProgressBar.isTerminal();
        return (phase, done, total) -> {
            if (!phase.equals(current[0])) {
                current[0] = phase;
                bar[0] = new EvalProgressBar(err, terminal, "quantize");
                start[0] = System.nanoTime();
            }
            bar[0].onProgress(phase, done, total, (System.nanoTime() - start[0]) / 1e9);
        };
    }

    /** The summary lines of an int8 bundle (quantize, export, inspect). */
    static void print(PrintWriter out, dev.vaeforge.runtime.bundle.Manifest.Quantization q) {
        var g = q.gate();
        out.printf(Locale.ROOT, "precision %s (weights %s, activations %s; calibration %s%s on %d images of %s)%n",
                q.precision(), q.weights(), q.activations(), q.method(),
                q.percentile() != null ? " " + q.percentile() : "", q.calibration().images(), q.calibration().dataset());
        q.quantized().forEach((graph, layers) -> out.printf("int8      %-8s %d layers%n", graph, layers.size()));
        for (var k : q.keptFp32()) {
            out.printf("fp32      %-8s %s (%s)%n", k.graph(), k.layer(), k.reason());
        }
        out.printf(Locale.ROOT, "gate      %s on %d held-out images: PSNR vs fp32 %.2f dB (min %.1f), SSIM change %+.4f, "
                        + "ELBO change %+.3f of %.2f nats, max latent mean error %.4f%n",
                g.passed() ? "passed" : (g.forced() ? "FAILED (forced)" : "FAILED"), g.images(), g.psnrVsFp32(),
                g.thresholds().get("minPsnr"), g.ssimChange(), g.elboChange(), g.elboFp32(), g.maxLatentMeanError());
        host(out, q, dev.vaeforge.runtime.quantize.Int8Host.current());
    }

    /** What this host's CPU means for an int8 bundle: its speed here, and whether full-range weights are exact. */
    static void host(PrintWriter out, dev.vaeforge.runtime.bundle.Manifest.Quantization q,
                     dev.vaeforge.runtime.quantize.Int8Host h) {
        if (h.dotProduct() == null) {
            return;
        }
        String cpu = h.cpu().isEmpty() ? "this CPU" : "this CPU (" + h.cpu() + ")";
        if (h.dotProduct()) {
            out.printf("host      %s has int8 dot products (%s), which ONNX Runtime's int8 kernels use%n", cpu,
                    String.join(", ", h.found()));
            return;
        }
        out.printf("host      %s has no int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI, AMX): int8 runs no faster "
                + "than fp32 here (0.84x measured on such a host); deploy int8 bundles on CPUs that have them%n", cpu);
        if (!q.weights().contains("7-bit")) {
            out.printf("warning   this bundle's weights use the full int8 range, which ONNX Runtime's int8 kernels can "
                    + "saturate on this CPU (results off by up to 0.2): quantise the fp32 bundle again with this version%n");
        }
    }
}
