package dev.vaeforge.spark;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.eval.RunningStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code spark-submit} main class, and what {@code vaeforge spark} runs: one job, its flags as
 * {@code vaeforge evaluate}'s. Exit codes are the CLI's (docs/ARCHITECTURE.md): 2 bad input, 3 bad bundle,
 * 7 I/O, 9 unsupported, 1 unexpected.
 */
@Command(name = "vaeforge spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode, reconstruct or evaluate images with a bundle on Apache Spark (docs/SPARK.md).",
                "Writes OUT/<table>.parquet (one row per image), bad-files.csv, job.json and, for evaluate, the "
                        + "metrics.json and metrics.md of 'vaeforge evaluate'."})
public final class SparkMain implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "encode|reconstruct|evaluate", description = "What to compute per image.")
    String kind;

    @Parameters(index = "1", paramLabel = "BUNDLE", description = "The bundle (directory or .zip) on the driver.")
    String bundle;

    @Option(names = "--data", required = true, paramLabel = "SPEC|PATH", description = "folder:DIR, "
            + "parquet:PATH[,image=COL][,id=COL][,index=COL][,condition=COL], or paths and globs of image files (repeat "
            + "--data). A conditional bundle takes each file's class from its folder (DIR/<class>/...) and a table's "
            + "from condition=COL (the class, or an array of the attributes each image has).")
    List<String> data = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (any Hadoop file system).")
    String out;

    @Option(names = "--master", paramLabel = "local[N]|URL", description = "Spark master; default: spark-submit's, "
            + "else local[2].")
    String master;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per ONNX Runtime call, within a partition. "
            + "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--resize", description = "Centre-crop and resize images whose size differs from the model's.")
    boolean resize;

    @Option(names = "--skip-bad", description = "Leave unreadable images out and list them in bad-files.csv, instead "
            + "of failing the job at its end.")
    boolean skipBad;

    @Option(names = "--metrics", defaultValue = "all", paramLabel = "LIST", description = "evaluate: metrics, as "
            + "'vaeforge evaluate --metrics'. Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Option(names = "--seed", defaultValue = "1", description = "evaluate: seed of the ELBO's draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--nll-samples", defaultValue = "0", paramLabel = "S", description = "evaluate: importance samples "
            + "per image for the NLL (0 = off). Default: ${DEFAULT-VALUE}.")
    int nllSamples;

    @Option(names = "--lpips-model", paramLabel = "FILE", description = "evaluate: an LPIPS ONNX graph (as 'vaeforge "
            + "evaluate --lpips-model'), shipped with the job (with --shared-bundle: read at this path on every executor). "
            + "Without it LPIPS is not computed.")
    String lpipsModel;

    @Option(names = "--png-files", description = "reconstruct: write PNG files under OUT/images/ instead of a PNG column.")
    boolean pngFiles;

    @Option(names = "--shared-bundle", description = "Every executor reads BUNDLE at its path (a shared file system) "
            + "instead of receiving a copy with the job.")
    boolean sharedBundle;

    @Option(names = "--partitions", paramLabel = "N", description = "Repartition the images into N partitions.")
    Integer partitions;

    @Option(names = "--threads", paramLabel = "T", description = "ONNX Runtime threads per executor session set; "
            + "default: cores / tasks for local[N], 1 on a cluster.")
    Integer threads;

    @Option(names = "--no-golden", description = "Do not rerun the bundle's golden tensors on each executor.")
    boolean noGolden;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable).")
    List<String> conf = new ArrayList<>();

    @Option(names = "--stacktrace", description = "Print the stack trace of a failure.")
    boolean stacktrace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one job; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        SparkMain main = new SparkMain();
        CommandLine cl = new CommandLine(main).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((thrown, c, parsed) -> {
            // a task's failure reaches the driver wrapped in Spark's exceptions: report ours
            Exception e = thrown;
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (t instanceof VaeforgeException v) {
                    e = v;
                    break;
                }
            }
            int code = e instanceof VaeforgeException v ? exitCode(v.code()) : 1;
            c.getErr().println("vaeforge spark: " + (e instanceof VaeforgeException ? "" : e.getClass().getName()
                    + ": ") + flags(e));
            if (main.stacktrace || code == 1) {
                e.printStackTrace(c.getErr());
            }
            return code;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        JobKind k;
        try {
            k = JobKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw VaeforgeException.badParameter("the first argument must be encode, reconstruct or evaluate, got '"
                    + kind + "'", "kind");
        }
        JobSettings settings = JobSettings.of(k).withBatchSize(batchSize).withResize(resize).withSkipBad(skipBad)
                .withSeed(seed).withNllSamples(nllSamples).withPngFiles(pngFiles).withVerifyGolden(!noGolden)
                .withLpipsModel(lpipsModel == null ? null : java.nio.file.Path.of(lpipsModel).toAbsolutePath().toString());
        if (k == JobKind.EVALUATE) {
            settings = settings.withMetrics(MetricName.parseList(metrics, "metrics"));
        }
        ImageSource source = ImageSource.parse(data);
        // Spark's own progress bar of stages on stderr (tasks done / total); --conf can turn it off
        SparkSession.Builder b = SparkSession.builder().appName("vaeforge " + k.id())
                .config("spark.ui.showConsoleProgress", "true");
        String m = master;
        if (m == null && System.getProperty("spark.master") == null) {
            m = "local[2]";
        }
        if (m != null) {
            b.master(m);
        }
        for (String c : conf) {
            String[] kv = c.split("=", 2);
            if (kv.length != 2) {
                throw VaeforgeException.badParameter("conf: '" + c + "' is not KEY=VALUE", "conf");
            }
            b.config(kv[0], kv[1]);
        }
        String master = m != null ? m : System.getProperty("spark.master");
        settings = settings.withThreads(threads != null ? threads : defaultThreads(master));
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        try (SparkSession spark = b.getOrCreate()) {
            spark.sparkContext().setLogLevel("ERROR");
            double startup = (System.nanoTime() - t0) / 1e9;
            SparkJobs.Result r = SparkJobs.run(spark, bundle, !sharedBundle, source, settings, out,
                    overwrite, partitions);
            JobReport j = r.report();
            o.printf(Locale.ROOT, "%s: %d images in %d partitions, %.1f images/s (%.1f s; %.1f s with start-up, Spark "
                    + "session %.1f s)%n", k.id(), j.images(), j.partitions(), j.imagesPerSecond(), j.seconds(),
                    j.totalSeconds(), startup);
            if (j.badFiles() > 0) {
                o.printf("  %d bad files skipped, listed in %s%n", j.badFiles(), SparkJobs.BAD_FILES);
            }
            if (r.evaluation() != null) {
                StringBuilder sb = new StringBuilder("  reconstruction:");
                for (Map.Entry<String, RunningStats.Summary> e : r.evaluation().reconstruction().entrySet()) {
                    sb.append(' ').append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.5f",
                            e.getValue().mean()));
                }
                o.println(sb);
                r.evaluation().notComputed().forEach((key, v) -> o.printf("  %s not computed: %s%n", key, v));
            }
            o.printf("  output %s%n", out);
        }
        return 0;
    }

    /** local[N]: the cores shared by N tasks; local[*] and clusters: one thread per task. */
    static int defaultThreads(String master) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (master != null) {
            java.util.regex.Matcher mm = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(master);
            if (mm.matches()) {
                return Math.max(1, cores / Integer.parseInt(mm.group(1)));
            }
            if (master.equals("local")) {
                return cores;
            }
        }
        return 1;
    }

    /**
     * A library names parameters; on this command line they are flags: the first whole-word mention of each
     * parameter the exception names is written as its flag (the CLI's rule, cli/ParameterFlags).
     */
    static String flags(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (!(e instanceof VaeforgeException v)) {
            return m;
        }
        for (String p : v.parameters()) {
            java.util.regex.Matcher x = java.util.regex.Pattern.compile("(?<![\\w\\-./\\\\])"
                    + java.util.regex.Pattern.quote(p) + "(?![\\w\\-/\\\\]|\\.\\w)").matcher(m);
            if (x.find()) {
                m = m.substring(0, x.start()) + "--" + p + m.substring(x.end());
            }
        }
        return m;
    }

    static int exitCode(VaeforgeException.Code code) {
        return switch (code) {
            case BAD_INPUT -> 2;
            case BAD_BUNDLE -> 3;
            case BAD_RUN -> 4;
            case DEVICE -> 5;
            case PARITY -> 6;
            case IO -> 7;
            case TRAINING -> 8;
            case UNSUPPORTED -> 9;
        };
    }
}
