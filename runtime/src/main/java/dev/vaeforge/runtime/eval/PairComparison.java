package dev.vaeforge.runtime.eval;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.model.Chunks;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Image-quality metrics between two aligned sets of images (pair i = a[i] vs b[i]), for images that
 * come from any model: MSE, PSNR, SSIM, GMSD and LPIPS, per pair and averaged over pairs.
 */
public final class PairComparison {
    /** The pairwise metrics this supports. */
    public static final Set<MetricName> SUPPORTED = EnumSet.of(MetricName.MSE, MetricName.PSNR, MetricName.SSIM,
            MetricName.GMSD, MetricName.LPIPS);

    private PairComparison() {
    }

    /** Summaries per metric, and what was not computed (with the reason). */
    public record Result(int pairs, Map<String, RunningStats.Summary> metrics, Map<String, String> notComputed) {
    }

    /**
     * @param names one name per pair, written to the CSV
     * @param out a .json file (summary and per-pair values) or any other name for CSV (one row per pair)
     */
    public static Result run(ImageDataset a, ImageDataset b, List<String> names, Set<MetricName> metrics, Lpips lpips,
                             int batchSize, Device device, Path out) {
        for (MetricName m : metrics) {
            if (!SUPPORTED.contains(m)) {
                throw VaeforgeException.badParameter("metrics: '" + m.id() + "' needs a model; compare supports "
                        + SUPPORTED.stream().map(MetricName::id).toList(), "metrics");
            }
        }
        if (a.size() != b.size() || a.size() != names.size() || a.size() == 0) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "compare needs the same number (> 0) of images "
                    + "on both sides, got " + a.size() + " and " + b.size());
        }
        if (!a.shape().equals(b.shape())) {
            throw VaeforgeException.badParameter("the two sets have " + a.shape() + " and " + b.shape() + " images; set"
                    + " resize to fit the second to the first", "resize");
        }
        ImageShape shape = a.shape();
        Map<String, String> notComputed = new LinkedHashMap<>();
        if (lpips != null && metrics.contains(MetricName.LPIPS)) {
            lpips.check(shape);
        }
        EnumSet<MetricName> todo = EnumSet.copyOf(metrics);
        if (todo.contains(MetricName.LPIPS) && lpips == null) {
            todo.remove(MetricName.LPIPS);
            notComputed.put("lpips", "no LPIPS graph given (--lpips-model FILE)");
        }
        if (Math.min(shape.height(), shape.width()) < dev.vaeforge.runtime.metrics.QualityConstants.SSIM_WINDOW
                && todo.remove(MetricName.SSIM)) {
            notComputed.put("ssim", "images smaller than 11x11");
        }
        Map<MetricName, RunningStats> stats = new EnumMap<>(MetricName.class);
        StringBuilder csv = new StringBuilder("name");
        todo.forEach(m -> csv.append(',').append(m.id()));
        csv.append('\n');
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        int n = a.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        try (ImageQualityMetrics q = todo.contains(MetricName.SSIM) || todo.contains(MetricName.GMSD) ? quality(device) : null) {
            Chunks.forEach(n, batchSize, (from, k) -> {
                float[] x = a.batch(idx, from, k);
                float[] y = b.batch(idx, from, k);
                Map<MetricName, double[]> v = PairMetrics.compute(x, y, k, shape, todo, q, lpips);
                for (int i = 0; i < k; i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", names.get(from + i));
                    csv.append(names.get(from + i).contains(",") ? '"' + names.get(from + i) + '"' : names.get(from + i));
                    for (MetricName m : todo) {
                        double value = v.get(m)[i];
                        stats.computeIfAbsent(m, z -> new RunningStats()).add(value);
                        csv.append(',').append(value);
                        row.put(m.id(), value);
                    }
                    csv.append('\n');
                    rows.add(row);
                }
            });
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "ONNX Runtime failed: " + e.getMessage(), e);
        }
        Map<String, RunningStats.Summary> summaries = new LinkedHashMap<>();
        stats.forEach((m, s) -> summaries.put(m.id(), s.summary()));
        Result result = new Result(n, summaries, notComputed);
        try {
            String text = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                    ? Json.write(Map.of("summary", result, "pairs", rows)) : csv.toString();
            AtomicFiles.write(out, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write " + out + ": " + e.getMessage(), e);
        }
        return result;
    }

    private static ImageQualityMetrics quality(Device device) throws OrtException {
        return device.kind() == Device.Kind.CPU ? new ImageQualityMetrics()
                : new ImageQualityMetrics(Sessions.environment(), Sessions.options(device));
    }
}
