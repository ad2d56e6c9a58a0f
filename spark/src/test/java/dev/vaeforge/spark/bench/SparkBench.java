package dev.vaeforge.spark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.Datasets;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.image.PngWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Spark benchmark of docs/SPARK.md and docs/BENCHMARKS.md ("Spark jobs"): a main class, not a test. Writes
 * the first N images of a dataset as PNG files, then runs, side by side in one go and through the real
 * launcher, {@code vaeforge evaluate} (one process) and {@code vaeforge spark evaluate} in local[1] and local[2]
 * on the same files, and each once more on 64 images for the fixed start-up cost. Prints a Markdown table and
 * a clearly marked estimate for 10 million images on a cluster.
 *
 * <p>Args: REPO BUNDLE DATASPEC N WORKDIR. Run under {@code nice -n 10}; the load average is printed.
 */
public final class SparkBench {
    private SparkBench() {
    }

    record Run(String name, int images, double wall, double passRate, double passSeconds, long maxRssMb) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SparkBench REPO BUNDLE DATASPEC N WORKDIR");
            System.exit(2);
        }
        Path repo = Path.of(args[0]).toAbsolutePath();
        String bundle = Path.of(args[1]).toAbsolutePath().toString();
        int n = Integer.parseInt(args[3]);
        Path work = Path.of(args[4]).toAbsolutePath();
        Path images = work.resolve("images");
        Path small = work.resolve("images-64");
        writeImages(args[2], n, images, small);
        String load0 = load();
        List<Run> runs = new ArrayList<>();
        runs.add(single(repo, bundle, small, work.resolve("single-64"), 64));
        runs.add(spark(repo, bundle, small, work.resolve("spark2-64"), "local[2]", 64));
        runs.add(single(repo, bundle, images, work.resolve("single"), n));
        runs.add(spark(repo, bundle, images, work.resolve("spark1"), "local[1]", n));
        runs.add(spark(repo, bundle, images, work.resolve("spark2"), "local[2]", n));
        String load1 = load();

        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Spark jobs vs `vaeforge evaluate` (%s, bundle %s), %d cores, load average "
                + "before %s / after %s%n%n", args[2], Path.of(bundle).getFileName(), Runtime.getRuntime()
                .availableProcessors(), load0, load1));
        t.append("| run | images | wall s (command) | images/s, end to end | images/s, main pass | main pass s | peak RSS MB |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            t.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %.1f | %d |%n", r.name(), r.images(),
                    r.wall(), r.images() / r.wall(), r.passRate(), r.passSeconds(), r.maxRssMb()));
        }
        Run s64 = runs.get(1);
        Run s1 = runs.get(3);
        Run s2 = runs.get(4);
        double fixed = s64.wall() - s64.passSeconds();
        double perCore = s1.passRate();
        double scaling = s2.passRate() / (2 * s1.passRate());
        t.append(String.format(Locale.ROOT, "%nFixed start-up cost of a Spark job (JVM, Spark session, listing and "
                + "ordering the files, one session set per executor, verification, summary pass): %.1f s "
                + "(64 images: %.1f s wall, %.1f s of it the main pass). `vaeforge evaluate` on 64 images: %.1f s.%n",
                fixed, s64.wall(), s64.passSeconds(), runs.get(0).wall()));
        t.append(String.format(Locale.ROOT, "local[2] / (2 x local[1]) main-pass throughput: %.2f.%n", scaling));
        t.append("\n**Estimate, not a measurement**: wall time for 10,000,000 such images on N executors of 4 cores, "
                + "taking this machine's local[1] main-pass rate per core (" + String.format(Locale.ROOT, "%.0f", perCore)
                + " images/s), the measured local[2] scaling per added core, and the fixed cost above (reading from "
                + "a distributed file system and a 10M-path ordering are not measured here):\n\n");
        t.append("| executors x cores | estimated wall |\n|---:|---:|\n");
        for (int e : new int[] {1, 4, 16, 64}) {
            double rate = perCore * 4 * e * Math.min(1, scaling);
            double seconds = fixed + 1e7 / rate;
            t.append(String.format(Locale.ROOT, "| %d x 4 | %s |%n", e, hms(seconds)));
        }
        System.out.print(t);
        Files.writeString(work.resolve("spark-bench.md"), t.toString());
    }

    private static String hms(double s) {
        long x = Math.round(s);
        return x >= 3600 ? String.format(Locale.ROOT, "%d h %02d min", x / 3600, (x % 3600) / 60)
                : String.format(Locale.ROOT, "%d min %02d s", x / 60, x % 60);
    }

    private static void writeImages(String spec, int n, Path dir, Path small) throws IOException {
        if (Files.isDirectory(dir) && Files.isDirectory(small)) {
            return;
        }
        ImageDataset data = Datasets.openSplit(spec, Split.TRAIN, DatasetOptions.defaults());
        if (data.size() < n) {
            throw new IllegalArgumentException(spec + " has " + data.size() + " training images, fewer than " + n);
        }
        float[] x = new float[data.shape().size()];
        for (int i = 0; i < n; i++) {
            data.read(i, x, 0);
            Path f = dir.resolve(String.format(Locale.ROOT, "%03d/%06d.png", i / 1000, i));
            Files.createDirectories(f.getParent());
            PngWriter.write(x, data.shape(), f);
            if (i < 64) {
                Files.createDirectories(small);
                PngWriter.write(x, data.shape(), small.resolve(String.format(Locale.ROOT, "%06d.png", i)));
            }
        }
    }

    private static Run single(Path repo, String bundle, Path images, Path out, int n) throws Exception {
        double[] wall = launch(repo, List.of("evaluate", bundle, "--data", "folder:" + images, "--samples", "0",
                "--surgery-images", "0", "--out", out.toString(), "--overwrite"));
        JsonNode m = Json.mapper().readTree(out.resolve("metrics.json").toFile());
        return new Run("vaeforge evaluate (1 process)", n, wall[0], m.get("throughput").get("imagesPerSecond").asDouble(),
                m.get("throughput").get("seconds").asDouble(), (long) wall[1]);
    }

    private static Run spark(Path repo, String bundle, Path images, Path out, String master, int n) throws Exception {
        double[] wall = launch(repo, List.of("spark", "evaluate", bundle, "--data", "folder:" + images, "--master", master,
                "--out", out.toString(), "--overwrite"));
        JsonNode j = Json.mapper().readTree(out.resolve("job.json").toFile());
        return new Run("vaeforge spark evaluate, " + master, n, wall[0], j.get("imagesPerSecond").asDouble(),
                j.get("seconds").asDouble(), (long) wall[1]);
    }

    /** Wall seconds and peak resident memory in MB (by /usr/bin/time where it exists, else -1). */
    private static double[] launch(Path repo, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        Path rss = Files.createTempFile("spark-bench-rss", ".txt");
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        }
        cmd.add(repo.resolve("vaeforge").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("VAEFORGE_NO_BUILD", "1");
        pb.environment().remove("CLASSPATH");
        long t0 = System.nanoTime();
        int rc = pb.start().waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc);
        }
        String kb = Files.readString(rss).trim();
        Files.deleteIfExists(rss);
        return new double[] {s, timed && !kb.isEmpty() ? Long.parseLong(kb.lines().reduce((a, b) -> b).orElse("0").trim())
                / 1024.0 : -1};
    }

    private static String load() throws IOException {
        String s = Files.readString(Path.of("/proc/loadavg")).trim();
        return String.join(" ", java.util.Arrays.copyOf(s.split(" "), 3));
    }
}
