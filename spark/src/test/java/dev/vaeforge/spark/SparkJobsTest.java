package dev.vaeforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.CorruptFiles;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.EvalListener;
import dev.vaeforge.runtime.eval.EvalOutputs;
import dev.vaeforge.runtime.eval.EvalSettings;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.eval.RunningStats;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.PngWriter;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark jobs in local[2] on a few dozen tiny images, against the single-machine runtime. */
class SparkJobsTest {
    static final int IMAGES = 36;
    static final ImageShape SHAPE = new ImageShape(SparkTestBundles.C, SparkTestBundles.H, SparkTestBundles.W);

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path bundle;
    static Path images;

    @BeforeAll
    static void start() throws Exception {
        bundle = tmp.resolve("bundle");
        SparkTestBundles.write(bundle);
        images = tmp.resolve("images");
        for (int i = 0; i < IMAGES; i++) {
            Path f = images.resolve((i % 3 == 0 ? "a" : "b") + "/img-" + i + ".png");
            Files.createDirectories(f.getParent());
            PngWriter.write(Shapes.render(Shapes.sampleFactors(9, i), SparkTestBundles.H, false), SHAPE, f);
        }
        spark = SparkSession.builder().master("local[2]").appName("vaeforge-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    static JobSettings evaluateSettings() {
        return JobSettings.of(JobKind.EVALUATE).withBatchSize(5).withNllSamples(16).withSeed(3);
    }

    @Test
    void evaluateSummariesEqualTheSingleMachineEvaluator() throws Exception {
        // vaeforge evaluate's path: FolderDataset + Evaluator, one process
        EvaluationResult single;
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            EvalSettings s = new EvalSettings(null, 5, EnumSet.allOf(MetricName.class), 0, 3, 16, 0);
            Evaluator ev = new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE);
            FolderDataset data = FolderDataset.open(images, DatasetOptions.defaults().withShape(SHAPE).withCache(false));
            try (EvalOutputs out = EvalOutputs.create(tmp.resolve("single"), false, ev.settings().metrics())) {
                single = ev.evaluate(data, new EvaluationResult.DatasetRef("folder:" + images, null, data.description(),
                        data.fingerprint(), data.size()), bundle, out);
            }
        }
        // uneven partitions, batches cut across them: the summaries must not notice
        Path out = tmp.resolve("spark-eval");
        SparkJobs.Result r = SparkJobs.run(spark, bundle.toString(), true, ImageSource.folder(images.toString()),
                evaluateSettings(), out.toString(), false, 3);
        EvaluationResult spark = r.evaluation();
        assertEquals(IMAGES, r.report().images());
        assertEquals(single.reconstruction().keySet(), spark.reconstruction().keySet());
        assertTrue(spark.reconstruction().keySet().containsAll(List.of("mse", "psnr", "ssim", "gmsd", "kl", "elbo",
                "bce", "nll", "bpd", "nll_se")), spark.reconstruction().keySet().toString());
        for (String m : single.reconstruction().keySet()) {
            RunningStats.Summary a = single.reconstruction().get(m);
            RunningStats.Summary b = spark.reconstruction().get(m);
            assertEquals(a.count(), b.count(), m);
            close(a.mean(), b.mean(), m + " mean");
            close(a.std(), b.std(), m + " std");
            close(a.min(), b.min(), m + " min");
            close(a.max(), b.max(), m + " max");
        }
        assertEquals(single.latent().activeUnits(), spark.latent().activeUnits());
        for (int d = 0; d < SparkTestBundles.D; d++) {
            close(single.latent().variance().get(d), spark.latent().variance().get(d), "variance of mu_" + d);
        }
        // the same files as vaeforge evaluate writes, read back by the same reader
        EvaluationResult onDisk = Json.read(out.resolve(EvalOutputs.JSON), EvaluationResult.class);
        assertEquals(spark.reconstruction(), onDisk.reconstruction());
        assertTrue(Files.readString(out.resolve(EvalOutputs.MARKDOWN)).contains(IMAGES + " images evaluated"));
        assertTrue(spark.notComputed().containsKey("generation"));
        // per image: the same ids and indices as metrics.csv
        Map<String, String> csv = new HashMap<>();
        for (String line : Files.readAllLines(tmp.resolve("single").resolve(EvalOutputs.CSV)).subList(1, IMAGES + 1)) {
            String[] f = line.split(",");
            csv.put(f[1], f[0]);
        }
        for (Row row : SparkSessionHolder.read(out.resolve(JobKind.EVALUATE.table())).select("index", "id").collectAsList()) {
            assertEquals(csv.get(row.getString(1)), Long.toString(row.getLong(0)), row.getString(1));
        }
    }

    @Test
    void aConditionalBundleTakesEachImagesClassFromItsFolderAsVaeforgeEvaluateDoes() throws Exception {
        Path cvae = tmp.resolve("cvae");
        SparkTestBundles.writeConditional(cvae, "labels", List.of("a", "b"));
        EvaluationResult single;
        try (VaeRuntime rt = VaeRuntime.open(cvae, Device.CPU)) {
            EvalSettings s = new EvalSettings(null, 5, EnumSet.allOf(MetricName.class), 0, 3, 16, 0);
            Evaluator ev = new Evaluator(rt, s, null, Device.CPU, EvalListener.NONE);
            FolderDataset data = FolderDataset.open(images, DatasetOptions.defaults().withShape(SHAPE).withCache(false)
                    .withFolderLabels(true));
            try (EvalOutputs out = EvalOutputs.create(tmp.resolve("single-cvae"), false, ev.settings().metrics())) {
                single = ev.evaluate(data, new EvaluationResult.DatasetRef("folder:" + images, null, data.description(),
                        data.fingerprint(), data.size()), cvae, out);
            }
        }
        SparkJobs.Result r = SparkJobs.run(spark, cvae.toString(), true, ImageSource.folder(images.toString()),
                evaluateSettings(), tmp.resolve("spark-cvae").toString(), false, 3);
        assertEquals(IMAGES, r.report().images());
        for (String m : single.reconstruction().keySet()) {
            RunningStats.Summary a = single.reconstruction().get(m);
            RunningStats.Summary b = r.evaluation().reconstruction().get(m);
            assertEquals(a.count(), b.count(), m);
            close(a.mean(), b.mean(), m + " mean");
            close(a.std(), b.std(), m + " std");
        }
        // encode and reconstruct take y too: the latents of "a/img-0.png" with y = (1, 0), not (0, 1)
        Path enc = tmp.resolve("enc-cvae");
        SparkJobs.run(spark, cvae.toString(), true, ImageSource.folder(images.toString()), JobSettings.of(JobKind.ENCODE),
                enc.toString(), false);
        Map<String, Row> latents = byId(SparkSessionHolder.read(enc.resolve(JobKind.ENCODE.table())).collectAsList());
        try (VaeRuntime rt = VaeRuntime.open(cvae, Device.CPU)) {
            float[] x = ImageDecoder.read(images.resolve("a/img-0.png")).image().data();
            Posterior right = rt.encode(x, new float[] {1, 0}, 1);
            Posterior wrong = rt.encode(x, new float[] {0, 1}, 1);
            List<Float> mu = latents.get("a/img-0.png").getList(latents.get("a/img-0.png").fieldIndex("mu"));
            for (int d = 0; d < SparkTestBundles.D; d++) {
                assertEquals(right.mu()[d], mu.get(d), 1e-6f);
            }
            assertTrue(Math.abs(right.mu()[0] - wrong.mu()[0]) > 1e-4, "y changes the latent");
        }

        // an image of a class the model does not know, or in no class folder, is a bad file naming it
        Path mixed = tmp.resolve("mixed");
        Files.createDirectories(mixed.resolve("a"));
        Files.createDirectories(mixed.resolve("c"));
        PngWriter.write(Shapes.render(Shapes.sampleFactors(4, 1), SparkTestBundles.H, false), SHAPE,
                mixed.resolve("a/ok.png"));
        PngWriter.write(Shapes.render(Shapes.sampleFactors(4, 2), SparkTestBundles.H, false), SHAPE,
                mixed.resolve("c/unknown.png"));
        PngWriter.write(Shapes.render(Shapes.sampleFactors(4, 3), SparkTestBundles.H, false), SHAPE,
                mixed.resolve("loose.png"));
        Path mixedOut = tmp.resolve("mixed-out");
        SparkJobs.Result m = SparkJobs.run(spark, cvae.toString(), true, ImageSource.folder(mixed.toString()),
                evaluateSettings().withSkipBad(true), mixedOut.toString(), false);
        assertEquals(1, m.report().images());
        assertEquals(2, m.report().badFiles());
        String listed = Files.readString(mixedOut.resolve(SparkJobs.BAD_FILES));
        assertTrue(listed.contains("c/unknown.png") && listed.contains("class 'c', which the model does not know"), listed);
        assertTrue(listed.contains("loose.png") && listed.contains("has no condition"), listed);
    }

    @Test
    void aConditionalBundleReadsATablesConditionColumn() throws Exception {
        Path cvae = tmp.resolve("cvae-attr");
        SparkTestBundles.writeConditional(cvae, "attributes", List.of("round", "big"));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(RowFactory.create("n" + i, Files.readAllBytes(images.resolve((i % 3 == 0 ? "a" : "b") + "/img-" + i
                    + ".png")), i % 2 == 0 ? List.of("big", "striped") : List.of()));
        }
        StructType schema = new StructType().add("name", DataTypes.StringType).add("bytes", DataTypes.BinaryType)
                .add("attrs", DataTypes.createArrayType(DataTypes.StringType));
        Path table = tmp.resolve("cond.parquet");
        spark.createDataFrame(rows, schema).write().parquet(table.toString());
        Path out = tmp.resolve("cond-enc");
        SparkJobs.run(spark, cvae.toString(), true, ImageSource.parse(List.of("parquet:" + table
                + ",image=bytes,id=name,condition=attrs")), JobSettings.of(JobKind.ENCODE), out.toString(), false);
        Map<String, Row> latents = byId(SparkSessionHolder.read(out.resolve(JobKind.ENCODE.table())).collectAsList());
        try (VaeRuntime rt = VaeRuntime.open(cvae, Device.CPU)) {
            for (int i : new int[] {0, 1}) {
                float[] x = ImageDecoder.read(images.resolve((i % 3 == 0 ? "a" : "b") + "/img-" + i + ".png")).image().data();
                // "striped" is not the model's: ignored; "big" is its second attribute
                Posterior q = rt.encode(x, i == 0 ? new float[] {0, 1} : new float[] {0, 0}, 1);
                List<Float> mu = latents.get("n" + i).getList(latents.get("n" + i).fieldIndex("mu"));
                for (int d = 0; d < SparkTestBundles.D; d++) {
                    assertEquals(q.mu()[d], mu.get(d), 1e-6f, "n" + i);
                }
            }
        }
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> SparkJobs.run(spark, cvae.toString(), true,
                ImageSource.parse(List.of("parquet:" + table + ",image=bytes")), JobSettings.of(JobKind.ENCODE),
                tmp.resolve("cond-none").toString(), false));
        assertTrue(e.getMessage().contains("condition=COLUMN"), e.getMessage());
    }

    @Test
    void evaluateComputesLpipsWithAShippedGraphAsVaeforgeEvaluateDoes() throws Exception {
        String shared = System.getProperty("vaeforge.shared");
        Path graph = (shared == null ? Path.of("..", "shared") : Path.of(shared)).resolve("lpips")
                .resolve("lpips_alex_v0.1.onnx");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(graph), "skipped: no LPIPS graph at "
                + graph.toAbsolutePath().normalize() + " (../shared/lpips beside the repository)");
        int size = 32; // LPIPS-alex needs at least 31x31
        ImageShape shape = new ImageShape(1, size, size);
        Path big = tmp.resolve("bundle32");
        SparkTestBundles.write(big, size, size);
        Path dir = tmp.resolve("images32");
        for (int i = 0; i < 8; i++) {
            PngWriter.write(Shapes.render(Shapes.sampleFactors(7, i), size, false), shape, dir.resolve("img-" + i + ".png"));
        }
        EvaluationResult single;
        try (VaeRuntime rt = VaeRuntime.open(big, Device.CPU);
             dev.vaeforge.runtime.metrics.lpips.LpipsDistance lp = dev.vaeforge.runtime.metrics.lpips.LpipsDistance.open(
                     graph, Device.CPU, "test")) {
            EvalSettings s = new EvalSettings(null, 5, EnumSet.allOf(MetricName.class), 0, 3, 0, 0);
            Evaluator ev = new Evaluator(rt, s, lp, Device.CPU, EvalListener.NONE);
            FolderDataset data = FolderDataset.open(dir, DatasetOptions.defaults().withShape(shape).withCache(false));
            try (EvalOutputs out = EvalOutputs.create(tmp.resolve("single-lpips"), false, ev.settings().metrics())) {
                single = ev.evaluate(data, new EvaluationResult.DatasetRef("folder:" + dir, null, data.description(),
                        data.fingerprint(), data.size()), big, out);
            }
        }
        Path out = tmp.resolve("spark-lpips");
        SparkJobs.Result r = SparkJobs.run(spark, big.toString(), true, ImageSource.folder(dir.toString()),
                JobSettings.of(JobKind.EVALUATE).withBatchSize(3).withSeed(3).withLpipsModel(graph.toAbsolutePath()
                        .toString()), out.toString(), false, 2);
        RunningStats.Summary a = single.reconstruction().get("lpips");
        RunningStats.Summary b = r.evaluation().reconstruction().get("lpips");
        assertNotNull(a, single.notComputed().toString());
        assertNotNull(b, r.evaluation().notComputed().toString());
        assertEquals(8, b.count());
        close(a.mean(), b.mean(), "lpips mean");
        close(a.std(), b.std(), "lpips std");
        assertFalse(r.evaluation().notComputed().containsKey("lpips"), r.evaluation().notComputed().toString());
        assertEquals("shipped with the Spark job", r.evaluation().settings().lpips().source());
        assertEquals(8, SparkSessionHolder.read(out.resolve(JobKind.EVALUATE.table())).where("lpips is not null").count());
    }

    private static void close(double a, double b, String what) {
        assertEquals(a, b, 1e-6 * Math.abs(a) + 1e-12, what + ": vaeforge evaluate " + a + ", spark " + b);
    }

    @Test
    void badFilesFailTheJobAtItsEndOrAreListedWithSkipBad() throws Exception {
        Path dir = tmp.resolve("with-bad");
        for (int i = 0; i < 6; i++) {
            PngWriter.write(Shapes.render(Shapes.sampleFactors(4, i), SparkTestBundles.H, false), SHAPE,
                    dir.resolve("ok-" + i + ".png"));
        }
        CorruptFiles.write(dir, CorruptFiles.Kind.TRUNCATED_PNG);
        CorruptFiles.write(dir, CorruptFiles.Kind.TEXT_AS_JPEG);
        PngWriter.write(new float[8 * 8], new ImageShape(1, 8, 8), dir.resolve("small.png"));
        Path out = tmp.resolve("bad-out");
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> SparkJobs.run(spark, bundle.toString(), true,
                ImageSource.folder(dir.toString()), evaluateSettings(), out.toString(), false));
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
        assertTrue(e.getMessage().contains("3 of 9"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated.png") && e.getMessage().contains("text.jpg")
                && e.getMessage().contains("small.png: image is 8x8"), e.getMessage());
        assertFalse(Files.exists(out), "nothing published");
        try (var siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".bad-out")), "staging removed");
        }

        SparkJobs.Result r = SparkJobs.run(spark, bundle.toString(), true, ImageSource.folder(dir.toString()),
                evaluateSettings().withSkipBad(true), out.toString(), false);
        assertEquals(6, r.report().images());
        assertEquals(3, r.report().badFiles());
        List<String> listed = Files.readAllLines(out.resolve(SparkJobs.BAD_FILES));
        assertEquals(4, listed.size(), listed.toString());
        assertTrue(listed.get(0).equals("index,id,reason"));
        assertEquals(6, r.evaluation().reconstruction().get("mse").count());
    }

    @Test
    void encodeAndReconstructMatchTheRuntime() throws Exception {
        Path enc = tmp.resolve("enc");
        SparkJobs.Result r = SparkJobs.run(spark, bundle.toString(), false, ImageSource.folder(images.toString()),
                JobSettings.of(JobKind.ENCODE).withBatchSize(7), enc.toString(), false, 2);
        assertEquals(IMAGES, r.report().images());
        assertEquals(List.of((long) SparkTestBundles.D), r.report().latentShape());
        Path rec = tmp.resolve("rec");
        SparkJobs.run(spark, bundle.toString(), true, ImageSource.folder(images.toString()),
                JobSettings.of(JobKind.RECONSTRUCT), rec.toString(), false);
        Map<String, Row> latents = byId(SparkSessionHolder.read(enc.resolve(JobKind.ENCODE.table())).collectAsList());
        Map<String, Row> pngs = byId(SparkSessionHolder.read(rec.resolve(JobKind.RECONSTRUCT.table())).collectAsList());
        assertEquals(IMAGES, latents.size());
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            for (String id : List.of("a/img-0.png", "b/img-1.png", "b/img-35.png")) {
                float[] x = ImageDecoder.read(images.resolve(id)).image().data();
                Posterior q = rt.encode(x, 1);
                List<Float> mu = latents.get(id).getList(latents.get(id).fieldIndex("mu"));
                List<Float> lv = latents.get(id).getList(latents.get(id).fieldIndex("logvar"));
                for (int d = 0; d < SparkTestBundles.D; d++) {
                    assertEquals(q.mu()[d], mu.get(d), 1e-6f, id);
                    assertEquals(q.logvar()[d], lv.get(d), 1e-6f, id);
                }
                float[] expected = rt.reconstruct(x, 1);
                byte[] png = (byte[]) pngs.get(id).get(pngs.get(id).fieldIndex("png"));
                float[] got = ImageDecoder.decode(png, id).image().data();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 0.5 / 255 + 1e-6, id + " pixel " + i);
                }
            }
        }
    }

    @Test
    void readsAParquetTableAndOpensOneSessionSetPerJvm() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(RowFactory.create("name-" + i, Files.readAllBytes(images.resolve((i % 3 == 0 ? "a" : "b")
                    + "/img-" + i + ".png"))));
        }
        StructType schema = new StructType().add("name", DataTypes.StringType).add("bytes", DataTypes.BinaryType);
        Path table = tmp.resolve("table.parquet");
        spark.createDataFrame(rows, schema).write().parquet(table.toString());
        ImageSource source = ImageSource.parse(List.of("parquet:" + table + ",image=bytes,id=name"));
        SparkJobs.Result first = SparkJobs.run(spark, bundle.toString(), true, source,
                JobSettings.of(JobKind.ENCODE), tmp.resolve("pq1").toString(), false, 3);
        int opened = ExecutorModels.opens();
        SparkJobs.Result second = SparkJobs.run(spark, bundle.toString(), true, source,
                JobSettings.of(JobKind.ENCODE), tmp.resolve("pq2").toString(), false, 3);
        assertEquals(12, first.report().images());
        assertEquals(12, second.report().images());
        assertEquals(opened, ExecutorModels.opens(), "the second job reuses the JVM's sessions");
        Dataset<Row> out = SparkSessionHolder.read(tmp.resolve("pq1").resolve(JobKind.ENCODE.table()));
        assertEquals(12, out.where("error is null").count());
        assertNotNull(out.where("id = 'name-5'").first().get(out.schema().fieldIndex("mu")));
        assertNull(out.where("id = 'name-5'").first().get(out.schema().fieldIndex("error")));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> SparkJobs.run(spark, bundle.toString(), true,
                ImageSource.parse(List.of("parquet:" + table + ",image=nope")), JobSettings.of(JobKind.ENCODE),
                tmp.resolve("pq3").toString(), false));
        assertTrue(e.getMessage().contains("no column nope"), e.getMessage());
        VaeforgeException exists = assertThrows(VaeforgeException.class, () -> SparkJobs.run(spark, bundle.toString(),
                true, source, JobSettings.of(JobKind.ENCODE), tmp.resolve("pq1").toString(), false));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    }

    private static Map<String, Row> byId(List<Row> rows) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : rows) {
            m.put(r.getString(r.fieldIndex("id")), r);
        }
        return m;
    }

    /** Reads a written table with the test's session. */
    static final class SparkSessionHolder {
        static Dataset<Row> read(Path p) {
            return spark.read().parquet(p.toString());
        }
    }
}
