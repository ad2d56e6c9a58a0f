package dev.vaeforge.spark;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.BadFile;
import dev.vaeforge.runtime.data.BadFilesException;
import dev.vaeforge.runtime.eval.EvalListener;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.MarkdownTable;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.eval.RunningStats;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * The Java API: encode, reconstruct or evaluate a set of images with a bundle on a Spark cluster (or in
 * local mode). Everything is written into a hidden staging directory beside {@code out} and renamed into
 * place when complete (metrics.json, for evaluate, written last), so {@code out} never holds half a result.
 *
 * <p>Output directory: the table ({@link JobKind#table()}, Parquet, one row per image, {@link OutputSchema}),
 * {@code bad-files.csv} (index, id, reason of every image that could not be used), {@code job.json}
 * ({@link JobReport}) and, for evaluate, the {@code metrics.json} and {@code metrics.md} that
 * {@code vaeforge evaluate} writes, computed by the same {@link Evaluator}.
 */
public final class SparkJobs {
    public static final String BAD_FILES = "bad-files.csv";
    public static final String JOB = "job.json";

    private SparkJobs() {
    }

    /** Everything a job returns: its report and, for evaluate, the metrics. */
    public record Result(JobReport report, EvaluationResult evaluation, List<BadFile> badFiles) {
    }

    /**
     * @param bundle the bundle on the driver (a directory or .zip)
     * @param ship   add the bundle to the job's files (SparkFiles); otherwise every executor reads it at
     *               {@code bundle} (a shared file system)
     * @param out    the output directory (any Hadoop file system the driver can write)
     */
    public static Result run(SparkSession spark, String bundle, boolean ship, ImageSource source, JobSettings settings,
                             String out, boolean overwrite) {
        return run(spark, bundle, ship, source, settings, out, overwrite, null);
    }

    /** @param partitions repartition the images into this many partitions (null: as read) */
    public static Result run(SparkSession spark, String bundle, boolean ship, ImageSource source, JobSettings settings,
                             String out, boolean overwrite, Integer partitions) {
        long t0 = System.nanoTime();
        Path target = new Path(out);
        FileSystem fs = fileSystem(spark, target);
        try {
            if (fs.exists(target) && !overwrite) {
                throw VaeforgeException.badParameter(out + " already exists; choose another out or pass overwrite",
                        "out", "overwrite");
            }
        } catch (IOException e) {
            throw io("cannot check " + out, e);
        }
        dev.vaeforge.runtime.eval.Lpips driverLpips = null;
        try (VaeRuntime rt = VaeRuntime.open(java.nio.file.Path.of(bundle), Device.CPU, settings.batchSize())) {
            if (rt.manifest().latent().hierarchical()) {
                throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, bundle + " has a latent of "
                        + rt.manifest().latent().levels().size() + " levels; the Spark jobs run single-level latents "
                        + "only (use 'vaeforge evaluate' / 'encode' / 'reconstruct' on one machine)");
            }
            // the driver opens the LPIPS graph too: a wrong file fails before the job, and metrics.json names it
            driverLpips = settings.kind() == JobKind.EVALUATE ? ExecutorModels.openLpips(settings, ship, true) : null;
            Evaluator ev = settings.kind() == JobKind.EVALUATE
                    ? new Evaluator(rt, ExecutorModels.evalSettings(settings), driverLpips, Device.CPU, EvalListener.NONE)
                    : null;
            List<MetricName> metrics = ev == null ? List.of() : new ArrayList<>(ev.settings().metrics());
            boolean gaussian = rt.hasGaussianLatent();
            boolean codes = !gaussian && rt.hasCodes();
            StructType schema = OutputSchema.of(settings.kind(), gaussian, codes, metrics, settings.pngFiles());
            if (ship) {
                spark.sparkContext().addFile(bundle, new java.io.File(bundle).isDirectory());
                if (driverLpips != null) {
                    spark.sparkContext().addFile(settings.lpipsModel());
                }
            }
            Path staging = new Path(target.getParent(), "." + target.getName() + ".staging-" + UUID.randomUUID());
            try {
                return runStaged(spark, rt, ev, metrics, gaussian, codes, schema, new BundleLocation(bundle, ship),
                        source, settings, fs, staging, target, overwrite, t0, partitions);
            } finally {
                try {
                    fs.delete(staging, true);
                } catch (IOException e) {
                    // best effort; the staging directory is hidden and never mistaken for a result
                }
            }
        } finally {
            if (driverLpips != null) {
                driverLpips.close();
            }
        }
    }

    private static Result runStaged(SparkSession spark, VaeRuntime rt, Evaluator ev, List<MetricName> metrics,
                                    boolean gaussian, boolean codes, StructType schema, BundleLocation location,
                                    ImageSource source, JobSettings settings, FileSystem fs, Path staging, Path target,
                                    boolean overwrite, long t0, Integer repartition) {
        Path table = new Path(staging, settings.kind().table());
        String imagesDir = settings.pngFiles() ? new Path(staging, "images").toString() : null;
        Dataset<Row> images = source.load(spark, rt.condition().isPresent());
        if (repartition != null) {
            if (repartition < 1) {
                throw VaeforgeException.badParameter("partitions must be >= 1, got " + repartition, "partitions");
            }
            images = images.repartition(repartition);
        }
        int partitions = images.rdd().getNumPartitions();
        long t1 = System.nanoTime();
        images.mapPartitions(new PartitionJob(location, settings, metrics, imagesDir), Encoders.row(schema))
                .write().parquet(table.toString());
        double seconds = (System.nanoTime() - t1) / 1e9;

        Dataset<Row> written = spark.read().parquet(table.toString());
        List<BadFile> bad = new ArrayList<>();
        List<Long> badIndex = new ArrayList<>();
        for (Row r : written.where(functions.col(OutputSchema.ERROR).isNotNull())
                .select(ImageSource.INDEX, ImageSource.ID, OutputSchema.ERROR).orderBy(ImageSource.INDEX).collectAsList()) {
            badIndex.add(r.getLong(0));
            bad.add(new BadFile(r.getString(1), r.getString(2)));
        }
        long good = written.where(functions.col(OutputSchema.ERROR).isNull()).count();
        if (!bad.isEmpty() && !settings.skipBad()) {
            throw VaeforgeException.badParameter(new BadFilesException(source.describe(),
                    (int) Math.min(Integer.MAX_VALUE, good + bad.size()), bad,
                    "Fix or remove them, or pass skip-bad to leave them out (listed in " + BAD_FILES + ").").getMessage(),
                    "skip-bad");
        }
        if (good == 0) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, source.describe()
                    + (bad.isEmpty() ? ": no image found" : ": no usable image is left (" + bad.size() + " bad)"));
        }
        write(fs, new Path(staging, BAD_FILES), badFilesCsv(badIndex, bad));
        EvaluationResult evaluation = null;
        if (ev != null) {
            evaluation = summarise(rt, ev, metrics, gaussian, codes, written, source, good, bad.size(), seconds,
                    location.path(), settings);
            write(fs, new Path(staging, dev.vaeforge.runtime.eval.EvalOutputs.MARKDOWN), MarkdownTable.single(evaluation));
        }
        List<Long> shape = settings.kind() == JobKind.ENCODE ? latentShape(rt) : null;
        String golden = settings.verifyGolden() && rt.manifest().golden() != null ? "verified once per executor" : null;
        JobReport report = new JobReport(JobReport.FORMAT, JobReport.VERSION, settings.kind().id(), location.path(),
                source.describe(), settings.kind().table(), good, bad.size(), partitions, spark.sparkContext().master(),
                spark.version(), seconds, good / seconds, (System.nanoTime() - t0) / 1e9, shape, golden);
        write(fs, new Path(staging, JOB), Json.write(report));
        if (evaluation != null) {
            // last: a metrics.json under the output name always belongs to a finished job
            write(fs, new Path(staging, dev.vaeforge.runtime.eval.EvalOutputs.JSON), Json.write(evaluation));
        }
        publish(fs, staging, target, overwrite);
        return new Result(report, evaluation, List.copyOf(bad));
    }

    /** The written table's metric columns through per-partition running statistics, merged in partition order. */
    private static EvaluationResult summarise(VaeRuntime rt, Evaluator ev, List<MetricName> metrics, boolean gaussian,
                                              boolean codes, Dataset<Row> written, ImageSource source, long good,
                                              int bad, double seconds, String bundle, JobSettings settings) {
        List<String> ids = metrics.stream().map(MetricName::id).toList();
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        ids.forEach(i -> cols.add(functions.col(i)));
        if (gaussian) {
            cols.add(functions.col(OutputSchema.MU));
        } else if (codes) {
            cols.add(functions.col(OutputSchema.CODES));
        }
        int codebook = codes ? rt.model().codes().map(c -> c.codebookSize()).orElse(0) : 0;
        List<PartitionSummary> parts = written.where(functions.col(OutputSchema.ERROR).isNull())
                .select(cols.toArray(org.apache.spark.sql.Column[]::new)).javaRDD()
                .mapPartitions(it -> List.of(PartitionSummary.of(it, ids, gaussian, codebook)).iterator())
                .collect();
        PartitionSummary all = new PartitionSummary();
        parts.forEach(all::merge);
        Map<MetricName, RunningStats> rec = new EnumMap<>(MetricName.class);
        for (MetricName m : metrics) {
            RunningStats s = all.metrics.get(m.id());
            if (s != null && s.summary().count() > 0) {
                rec.put(m, s);
            }
        }
        Map<String, String> notComputed = new LinkedHashMap<>(ev.notComputed());
        if (settings.metrics().contains(MetricName.LPIPS) && settings.lpipsModel() == null) {
            notComputed.put("lpips", "no LPIPS graph given: pass --lpips-model FILE (shipped with the job; see"
                    + " docs/EVALUATION.md)");
        }
        notComputed.put("generation", "prior samples do not depend on the data: the Spark job evaluates the images "
                + "only; run 'vaeforge evaluate --samples N' on one machine for the generation metrics");
        notComputed.put("surgery", "the ELBO surgery is not computed by the Spark job");
        String description = source.describe() + " (" + good + " images" + (bad > 0 ? ", " + bad
                + " bad files skipped" : "") + ", read by Spark)";
        EvaluationResult.DatasetRef ref = new EvaluationResult.DatasetRef(source.describe(), null, description, null,
                (int) Math.min(Integer.MAX_VALUE, good));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("parquet", settings.kind().table());
        files.put("markdown", dev.vaeforge.runtime.eval.EvalOutputs.MARKDOWN);
        files.put("badFiles", BAD_FILES);
        files.put("job", JOB);
        try {
            return ev.result(ref, java.nio.file.Path.of(bundle), rec, null, notComputed,
                    new EvaluationResult.Throughput((int) Math.min(Integer.MAX_VALUE, good), seconds, good / seconds, 0, 0),
                    files, Evaluator.codeUsage(all.codeCounts, rt.prior()),
                    all.means == null ? null : Evaluator.latentUsage(all.means), null);
        } catch (IOException e) {
            throw io("cannot read " + bundle, e);
        }
    }

    private static List<Long> latentShape(VaeRuntime rt) {
        List<Long> s = new ArrayList<>();
        for (long d : rt.manifest().latent().shape()) {
            s.add(d);
        }
        return s;
    }

    private static String badFilesCsv(List<Long> index, List<BadFile> bad) {
        StringBuilder sb = new StringBuilder("index,id,reason\n");
        for (int i = 0; i < bad.size(); i++) {
            sb.append(index.get(i)).append(',').append(csv(bad.get(i).path())).append(',').append(csv(bad.get(i).reason()))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void write(FileSystem fs, Path file, String text) {
        try (OutputStream o = fs.create(file, false)) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw io("cannot write " + file, e);
        }
    }

    private static void publish(FileSystem fs, Path staging, Path target, boolean overwrite) {
        try {
            if (overwrite && fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("rename refused");
            }
        } catch (IOException e) {
            throw io("cannot move " + staging + " to " + target, e);
        }
    }

    private static FileSystem fileSystem(SparkSession spark, Path p) {
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw io("cannot open the file system of " + p, e);
        }
    }

    private static VaeforgeException io(String what, IOException e) {
        return new VaeforgeException(VaeforgeException.Code.IO, what + ": " + e.getMessage(), e);
    }
}
