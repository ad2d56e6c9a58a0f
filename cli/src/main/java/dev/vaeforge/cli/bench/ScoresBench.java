package dev.vaeforge.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.data.FactorDataset;
import dev.vaeforge.runtime.data.FactorSpec;
import dev.vaeforge.runtime.disentangle.Disentanglement;
import dev.vaeforge.runtime.disentangle.DisentanglementSettings;
import dev.vaeforge.runtime.disentangle.FactorSampler;
import dev.vaeforge.runtime.disentangle.GeneratedSampler;
import dev.vaeforge.runtime.disentangle.Representation;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The cost of the disentanglement scores (issue 16), side by side in one run: each score's points (images
 * drawn for chosen factors) per second with a bundle's representation (render, encode with ONNX Runtime,
 * then the score's own work), the same score with the factor classes as the code (no rendering or
 * encoding: what the classifiers, MI and variances cost alone), and rendering and render + encode alone.
 * Timings are never asserted; the CPU and load average are printed with them.
 */
public final class ScoresBench {
    /** One score's cost: {@code points} images drawn in {@code seconds}. */
    public record Row(String score, long points, double seconds) {
        public double pointsPerSecond() {
            return seconds > 0 ? points / seconds : Double.NaN;
        }
    }

    /** Images per second of one stage of the pipeline alone. */
    public record Stage(String what, long images, double seconds) {
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : Double.NaN;
        }
    }

    /**
     * @param bundle each score with the bundle's representation (the last row "all")
     * @param codesOnly each score with the factor classes as a code of the bundle's width
     */
    public record Result(String source, String data, DisentanglementSettings settings, int codeSize, String cpu,
            int threads, String loadBefore, String loadAfter, List<Row> bundle, List<Row> codesOnly, List<Stage> stages,
            Map<String, Double> scores) {
        public void print(PrintWriter o) {
            o.printf(Locale.ROOT, "disentanglement scores' cost: %s on %s, code width %d%n", source, data, codeSize);
            o.printf(Locale.ROOT, "sizes: points-batch %d, num-train %d, num-eval %d, num-variance %d, mig-points %d; seed %d%n",
                    settings.batch(), settings.numTrain(), settings.numEval(), settings.numVariance(),
                    settings.migPoints(), settings.seed());
            o.printf(Locale.ROOT, "CPU %s, %d ONNX Runtime threads; load average before %s, after %s%n", cpu, threads,
                    loadBefore, loadAfter);
            o.printf("%-12s %9s %10s %12s %14s %16s%n", "score", "points", "bundle s", "bundle pts/s", "codes-only s",
                    "codes-only pts/s");
            for (int i = 0; i < bundle.size(); i++) {
                Row b = bundle.get(i);
                Row c = codesOnly.get(i);
                o.printf(Locale.ROOT, "%-12s %9d %10.2f %12.0f %14.2f %16.0f%n", b.score(), b.points(), b.seconds(),
                        b.pointsPerSecond(), c.seconds(), c.pointsPerSecond());
            }
            o.printf("%-26s %9s %10s %12s%n", "stage alone", "images", "s", "images/s");
            for (Stage s : stages) {
                o.printf(Locale.ROOT, "%-26s %9d %10.2f %12.0f%n", s.what(), s.images(), s.seconds(), s.imagesPerSecond());
            }
        }

        public void write(Path out) throws IOException {
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("format", "vaeforge-bench-disentanglement");
            root.put("version", 1);
            root.put("source", source);
            root.put("data", data);
            root.put("code_size", codeSize);
            root.put("cpu", cpu);
            root.put("threads", threads);
            root.put("load_before", loadBefore);
            root.put("load_after", loadAfter);
            ObjectNode s = root.putObject("settings");
            s.put("seed", settings.seed());
            s.put("points_batch", settings.batch());
            s.put("num_train", settings.numTrain());
            s.put("num_eval", settings.numEval());
            s.put("num_variance", settings.numVariance());
            s.put("mig_points", settings.migPoints());
            s.put("bins", settings.bins());
            ArrayNode rows = root.putArray("scores_cost");
            for (int i = 0; i < bundle.size(); i++) {
                ObjectNode r = rows.addObject();
                r.put("score", bundle.get(i).score());
                r.put("points", bundle.get(i).points());
                r.put("bundle_seconds", bundle.get(i).seconds());
                r.put("bundle_points_per_s", bundle.get(i).pointsPerSecond());
                r.put("codes_only_seconds", codesOnly.get(i).seconds());
                r.put("codes_only_points_per_s", codesOnly.get(i).pointsPerSecond());
            }
            ArrayNode st = root.putArray("stages");
            for (Stage x : stages) {
                st.addObject().put("what", x.what()).put("images", x.images()).put("seconds", x.seconds())
                        .put("images_per_s", x.imagesPerSecond());
            }
            ObjectNode sc = root.putObject("scores");
            scores.forEach(sc::put);
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            AtomicFiles.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
    }

    private ScoresBench() {
    }

    /**
     * Measures every score with {@code representation} (a bundle's, {@code codeSize} wide) and with the factor
     * classes as the code, then rendering and render + encode alone on {@code settings.migPoints()} points.
     *
     * @param progress (what is running, stages done) for a progress line
     */
    public static Result run(String source, String dataSpec, FactorDataset data, Representation representation,
            int codeSize, DisentanglementSettings settings, int threads, BiConsumer<String, Integer> progress) {
        String before = LoadAverage.read();
        FactorSpec f = data.factors();
        Map<String, Double> scores = new LinkedHashMap<>();
        progress.accept("bundle", 0);
        List<Row> bundle = perScore(new GeneratedSampler(f, representation, codeSize), settings, scores);
        progress.accept("codes-only", 1);
        List<Row> codesOnly = perScore(new GeneratedSampler(f, classesAsCode(f.count(), codeSize), codeSize), settings,
                new LinkedHashMap<>());
        progress.accept("stages", 2);
        int n = settings.migPoints();
        int[][] points = new int[n][f.count()];
        SplittableRandom rng = new SplittableRandom(settings.seed());
        for (int[] p : points) {
            for (int k = 0; k < p.length; k++) {
                p[k] = rng.nextInt(f.size(k));
            }
        }
        int per = data.shape().size();
        float[] x = new float[per];
        long t0 = System.nanoTime();
        for (int[] p : points) {
            data.render(p, x, 0);
        }
        double render = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        representation.codes(points);
        double encode = (System.nanoTime() - t0) / 1e9;
        List<Stage> stages = List.of(new Stage("render (" + dataSpec + ")", n, render),
                new Stage("render + encode (ORT)", n, encode));
        progress.accept("done", 3);
        return new Result(source, dataSpec, settings, codeSize, cpuName(), threads, before, LoadAverage.read(), bundle,
                codesOnly, stages, scores);
    }

    /** Column j of the code is the class of factor j mod K: no rendering, no encoding, every column varies. */
    static Representation classesAsCode(int k, int width) {
        return factors -> {
            double[][] out = new double[factors.length][width];
            for (int i = 0; i < factors.length; i++) {
                for (int j = 0; j < width; j++) {
                    out[i][j] = factors[i][j % k];
                }
            }
            return out;
        };
    }

    /** Runs every score once, timing each between the listener's calls and counting the points it drew. */
    private static List<Row> perScore(FactorSampler sampler, DisentanglementSettings settings, Map<String, Double> scores) {
        Counting counted = new Counting(sampler);
        List<String> names = new ArrayList<>();
        List<long[]> points = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        var r = Disentanglement.run("bench", counted, settings, (current, done, total, seconds) -> {
            names.add(current);
            points.add(new long[] {counted.points});
            times.add(seconds);
        });
        scores.putAll(r.scores());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i + 1 < names.size(); i++) {
            rows.add(new Row(names.get(i), points.get(i + 1)[0] - points.get(i)[0], times.get(i + 1) - times.get(i)));
        }
        rows.add(new Row("all", counted.points, times.get(times.size() - 1)));
        return rows;
    }

    /** "model name" of /proc/cpuinfo and the core count, or the JVM's view where there is none. */
    static String cpuName() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip() + " (" + cores + " cores)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch") + " (" + cores + " cores)";
    }

    /** Counts the points drawn (as Disentanglement counts them). */
    private static final class Counting implements FactorSampler {
        private final FactorSampler inner;
        private long points;

        Counting(FactorSampler inner) {
            this.inner = inner;
        }

        @Override
        public FactorSpec factors() {
            return inner.factors();
        }

        @Override
        public int codeSize() {
            return inner.codeSize();
        }

        @Override
        public void restart(SplittableRandom rng) {
            inner.restart(rng);
        }

        @Override
        public Draw sample(int n, SplittableRandom rng) {
            points += n;
            return inner.sample(n, rng);
        }

        @Override
        public int sampleClass(int k, SplittableRandom rng) {
            return inner.sampleClass(k, rng);
        }

        @Override
        public Draw sampleWithFactor(int k, int[] classes, SplittableRandom rng) {
            points += classes.length;
            return inner.sampleWithFactor(k, classes, rng);
        }
    }
}
