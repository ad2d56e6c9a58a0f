package dev.vaeforge.runtime.eval;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.metrics.QualityConstants;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Image-quality metrics between two aligned sets of images (pair i = a[i] vs b[i]), for images that
 * come from any model: MSE, PSNR, SSIM, GMSD and LPIPS, per pair and averaged over pairs.
 *
 * <p>Each pair has its own size (a folder of 64x64 images next to one of 28x28 is fine); only the two
 * images of one pair must agree. Consecutive pairs of one size are batched together. A metric that
 * cannot measure a pair's size (SSIM below its 11x11 window, LPIPS below what its backbone accepts)
 * is left empty for that pair, while its other metrics are computed; such pairs are counted and named
 * in {@link Result#notComputed()} and listed in {@link Result#notComputedPairs()}.
 */
public final class PairComparison {
    /** The pairwise metrics this supports. */
    public static final Set<MetricName> SUPPORTED = EnumSet.of(MetricName.MSE, MetricName.PSNR, MetricName.SSIM,
            MetricName.GMSD, MetricName.LPIPS);
    /** Pair names quoted in a "not computed" message; all of them are in {@link Result#notComputedPairs()}. */
    static final int NAMED = 5;

    private PairComparison() {
    }

    /** Pairs of images, each pair with its own shape. Reads may run on several threads at once. */
    public interface ImagePairs {
        int size();

        String name(int index);

        /** Pair {@code index}: both images as CHW floats in [0,1] of one shape. */
        Pair read(int index);
    }

    /** One pair of images of {@code shape}. */
    public record Pair(ImageShape shape, float[] a, float[] b) {
    }

    /**
     * Summaries per metric over the pairs it was computed for; what was not computed, with the reason
     * and, where only some pairs were left out, how many and which (first few named); every left-out
     * pair by metric; and the LPIPS graph used (null when LPIPS was not computed at all).
     */
    public record Result(int pairs, Map<String, RunningStats.Summary> metrics, Map<String, String> notComputed,
                         Map<String, List<String>> notComputedPairs, EvaluationResult.LpipsRef lpips) {
    }

    /**
     * Two datasets of one shape, pair i = (a[i], b[i]).
     *
     * @param names one name per pair, written to the CSV
     * @param out a .json file (summary and per-pair values) or any other name for CSV (one row per pair)
     */
    public static Result run(ImageDataset a, ImageDataset b, List<String> names, Set<MetricName> metrics, Lpips lpips,
                             int batchSize, Device device, Path out) {
        if (a.size() != b.size() || a.size() != names.size() || a.size() == 0) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "compare needs the same number (> 0) of images "
                    + "on both sides, got " + a.size() + " and " + b.size());
        }
        if (!a.shape().equals(b.shape())) {
            throw VaeforgeException.badParameter("the two sets have " + a.shape() + " and " + b.shape() + " images; set"
                    + " resize to fit the second to the first", "resize");
        }
        ImageShape shape = a.shape();
        ImagePairs pairs = new ImagePairs() {
            @Override
            public int size() {
                return a.size();
            }

            @Override
            public String name(int index) {
                return names.get(index);
            }

            @Override
            public Pair read(int index) {
                float[] x = new float[shape.size()];
                float[] y = new float[shape.size()];
                a.read(index, x, 0);
                b.read(index, y, 0);
                return new Pair(shape, x, y);
            }
        };
        return run(pairs, metrics, lpips, batchSize, device, out);
    }

    /** @param out a .json file (summary and per-pair values) or any other name for CSV (one row per pair) */
    public static Result run(ImagePairs pairs, Set<MetricName> metrics, Lpips lpips, int batchSize, Device device,
                             Path out) {
        for (MetricName m : metrics) {
            if (!SUPPORTED.contains(m)) {
                throw VaeforgeException.badParameter("metrics: '" + m.id() + "' needs a model; compare supports "
                        + SUPPORTED.stream().map(MetricName::id).toList(), "metrics");
            }
        }
        int n = pairs.size();
        if (n == 0) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "compare needs at least one pair of images");
        }
        Map<String, String> notComputed = new LinkedHashMap<>();
        EnumSet<MetricName> todo = EnumSet.copyOf(metrics);
        if (todo.contains(MetricName.LPIPS) && lpips == null) {
            todo.remove(MetricName.LPIPS);
            notComputed.put("lpips", "no LPIPS graph (install one with 'vaeforge lpips install FILE', or pass "
                    + "--lpips-model FILE)");
        }
        Map<MetricName, RunningStats> stats = new EnumMap<>(MetricName.class);
        Map<MetricName, Set<String>> reasons = new EnumMap<>(MetricName.class);
        Map<MetricName, List<String>> leftOut = new EnumMap<>(MetricName.class);
        StringBuilder csv = new StringBuilder("name");
        todo.forEach(m -> csv.append(',').append(m.id()));
        csv.append('\n');
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean[] lpipsUsed = {false};
        try (ImageQualityMetrics q = todo.contains(MetricName.SSIM) || todo.contains(MetricName.GMSD) ? quality(device) : null) {
            for (int from = 0; from < n; from += batchSize) {
                int k = Math.min(batchSize, n - from);
                int start = from;
                // decoding dominates for files; pairs are independent, results land by index
                Pair[] read = IntStream.range(0, k).parallel().mapToObj(i -> pairs.read(start + i)).toArray(Pair[]::new);
                for (int r = 0; r < k; ) {
                    int end = r + 1;
                    while (end < k && read[end].shape().equals(read[r].shape())) {
                        end++;
                    }
                    ImageShape shape = read[r].shape();
                    EnumSet<MetricName> here = EnumSet.copyOf(todo);
                    for (Map.Entry<MetricName, String> e : inapplicable(shape, here, lpips).entrySet()) {
                        here.remove(e.getKey());
                        reasons.computeIfAbsent(e.getKey(), z -> new LinkedHashSet<>()).add(e.getValue());
                        for (int i = r; i < end; i++) {
                            leftOut.computeIfAbsent(e.getKey(), z -> new ArrayList<>()).add(pairs.name(start + i));
                        }
                    }
                    lpipsUsed[0] |= here.contains(MetricName.LPIPS);
                    int m = end - r;
                    float[] x = new float[m * shape.size()];
                    float[] y = new float[m * shape.size()];
                    for (int i = 0; i < m; i++) {
                        System.arraycopy(read[r + i].a(), 0, x, i * shape.size(), shape.size());
                        System.arraycopy(read[r + i].b(), 0, y, i * shape.size(), shape.size());
                    }
                    Map<MetricName, double[]> v = PairMetrics.compute(x, y, m, shape, here, q, here.contains(MetricName.LPIPS)
                            ? lpips : null);
                    for (int i = 0; i < m; i++) {
                        String name = pairs.name(start + r + i);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", name);
                        row.put("size", shape.height() + "x" + shape.width());
                        csv.append(name.contains(",") || name.contains("\"") ? '"' + name.replace("\"", "\"\"") + '"' : name);
                        for (MetricName metric : todo) {
                            csv.append(',');
                            if (!here.contains(metric)) {
                                continue;
                            }
                            double value = v.get(metric)[i];
                            stats.computeIfAbsent(metric, z -> new RunningStats()).add(value);
                            csv.append(value);
                            row.put(metric.id(), value);
                        }
                        csv.append('\n');
                        rows.add(row);
                    }
                    r = end;
                }
            }
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "ONNX Runtime failed: " + e.getMessage(), e);
        }
        Map<String, List<String>> namedPairs = new LinkedHashMap<>();
        leftOut.forEach((metric, names) -> {
            String why = String.join("; ", reasons.get(metric));
            notComputed.put(metric.id(), names.size() == n ? why : String.format(Locale.ROOT, "%d of %d pairs: %s (%s%s)",
                    names.size(), n, why, String.join(", ", names.subList(0, Math.min(NAMED, names.size()))),
                    names.size() > NAMED ? ", ..." : ""));
            namedPairs.put(metric.id(), List.copyOf(names));
        });
        Map<String, RunningStats.Summary> summaries = new LinkedHashMap<>();
        stats.forEach((m, s) -> summaries.put(m.id(), s.summary()));
        Result result = new Result(n, summaries, notComputed, namedPairs,
                lpipsUsed[0] ? lpips.ref() : null);
        try {
            String text = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                    ? Json.write(Map.of("summary", result, "pairs", rows)) : csv.toString();
            AtomicFiles.write(out, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write " + out + ": " + e.getMessage(), e);
        }
        return result;
    }

    /** The wanted metrics that cannot measure images of {@code shape}, with the reason. */
    private static Map<MetricName, String> inapplicable(ImageShape shape, Set<MetricName> wanted, Lpips lpips) {
        Map<MetricName, String> out = new EnumMap<>(MetricName.class);
        int side = Math.min(shape.height(), shape.width());
        if (wanted.contains(MetricName.SSIM) && side < QualityConstants.SSIM_WINDOW) {
            out.put(MetricName.SSIM, "images smaller than SSIM's " + QualityConstants.SSIM_WINDOW + "x"
                    + QualityConstants.SSIM_WINDOW + " window");
        }
        if (wanted.contains(MetricName.GMSD) && side < QualityConstants.GMSD_MIN_SIDE) {
            out.put(MetricName.GMSD, "images smaller than 2x2");
        }
        if (wanted.contains(MetricName.LPIPS) && lpips != null) {
            String why = lpips.unsupportedReason(shape);
            if (why != null) {
                out.put(MetricName.LPIPS, why);
            }
        }
        return out;
    }

    private static ImageQualityMetrics quality(Device device) throws OrtException {
        return device.kind() == Device.Kind.CPU ? new ImageQualityMetrics()
                : new ImageQualityMetrics(Sessions.environment(), Sessions.options(device));
    }
}
