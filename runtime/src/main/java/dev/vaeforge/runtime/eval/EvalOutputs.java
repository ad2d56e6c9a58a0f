package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageGrid;
import dev.vaeforge.runtime.image.PngWriter;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The files of one evaluation. Everything is written into a hidden staging directory and moved to
 * the output directory only when metrics.json (written last) is complete; an interrupted evaluation
 * leaves no file that claims to be complete under the output name.
 */
public final class EvalOutputs implements AutoCloseable {
    public static final String JSON = "metrics.json";
    public static final String CSV = "metrics.csv";
    public static final String MARKDOWN = "metrics.md";
    public static final String BEST = "best.png";
    public static final String WORST = "worst.png";
    public static final String SAMPLES = "samples.png";
    public static final String REPORT = "report.html";

    private final Path target;
    private final boolean overwrite;
    private final Path staging;
    private final Set<MetricName> columns;
    private final BufferedWriter csv;
    private final Thread cleanup;
    private volatile boolean finished;

    private EvalOutputs(Path target, boolean overwrite, Set<MetricName> metrics) throws IOException {
        this.target = target;
        this.overwrite = overwrite;
        this.staging = AtomicFiles.tempSibling(target);
        this.columns = EnumSet.copyOf(metrics);
        // Ctrl-C (SIGINT) or SIGTERM runs shutdown hooks but not our finally blocks: remove the staging
        // directory then too. SIGKILL runs nothing; the hidden staging directory then stays, and it never
        // holds a metrics.json under the output name.
        this.cleanup = new Thread(this::deleteStaging, "vaeforge-eval-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        this.csv = Files.newBufferedWriter(staging.resolve(CSV), StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("index,id");
        for (MetricName m : columns) {
            h.append(',').append(m.id());
        }
        csv.write(h.append('\n').toString());
    }

    /** Refuses an existing output directory unless {@code overwrite}; then opens the staging area. */
    public static EvalOutputs create(Path target, boolean overwrite, Set<MetricName> metrics) {
        if (Files.exists(target) && !overwrite) {
            throw VaeforgeException.badParameter(target + " already exists; choose another out or pass overwrite", "out",
                    "overwrite");
        }
        try {
            return new EvalOutputs(target, overwrite, metrics);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write under " + target + ": " + e.getMessage(), e);
        }
    }

    void csvRow(int index, String id, Map<MetricName, double[]> values, int i) throws IOException {
        StringBuilder sb = new StringBuilder().append(index).append(',').append(csvText(id));
        for (MetricName m : columns) {
            double[] v = values.get(m);
            sb.append(',');
            if (v != null) {
                sb.append(v[i]);
            }
        }
        csv.write(sb.append('\n').toString());
    }

    void writeGrids(List<TopImages.Entry> best, List<TopImages.Entry> worst, float[] samples, int sampleCount,
                    ImageShape shape, boolean bySsim) throws IOException {
        PngWriter.write(pairs(best, shape), staging.resolve(BEST));
        PngWriter.write(pairs(worst, shape), staging.resolve(WORST));
        if (samples != null && sampleCount > 0) {
            PngWriter.write(ImageGrid.of(samples, shape, sampleCount, Math.min(8, sampleCount), 2), staging.resolve(SAMPLES));
        }
    }

    Map<String, String> fileNames(boolean withSamples) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("csv", CSV);
        f.put("markdown", MARKDOWN);
        f.put("best", BEST);
        f.put("worst", WORST);
        if (withSamples) {
            f.put("samples", SAMPLES);
        }
        f.put("report", REPORT);
        return f;
    }

    /** Writes the Markdown table, the report and metrics.json (last), then publishes the directory. */
    void finish(EvaluationResult result) throws IOException {
        csv.close();
        Files.writeString(staging.resolve(MARKDOWN), MarkdownTable.single(result), StandardCharsets.UTF_8);
        Files.writeString(staging.resolve(REPORT), HtmlReport.render(result, staging), StandardCharsets.UTF_8);
        AtomicFiles.write(staging.resolve(JSON), Json.write(result).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.publishDirectory(staging, target, overwrite);
        finished = true;
        removeHook();
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs and finds nothing to do
        }
    }

    private void deleteStaging() {
        if (!finished) {
            try {
                AtomicFiles.deleteTree(staging);
            } catch (IOException e) {
                // best effort while the JVM exits; the directory is hidden and never mistaken for a result
            }
        }
    }

    public Path target() {
        return target;
    }

    /** Removes the staging directory of an evaluation that did not finish. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        try {
            csv.close();
        } catch (IOException e) {
            // the staging directory is deleted below either way
        }
        deleteStaging();
        removeHook();
    }

    private static FloatImage pairs(List<TopImages.Entry> entries, ImageShape shape) {
        int n = Math.max(1, entries.size());
        float[] a = new float[n * shape.size()];
        float[] b = new float[n * shape.size()];
        for (int i = 0; i < entries.size(); i++) {
            System.arraycopy(entries.get(i).original(), 0, a, i * shape.size(), shape.size());
            System.arraycopy(entries.get(i).reconstruction(), 0, b, i * shape.size(), shape.size());
        }
        return ImageGrid.comparison(a, b, shape, n, Math.min(8, n), 2);
    }

    private static String csvText(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        return a != 0 && (a < 1e-3 || a >= 1e5) ? String.format(Locale.ROOT, "%.3e", v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
