package dev.vaeforge.spark;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.ImagePreprocessing;
import dev.vaeforge.runtime.image.ImageReadException;
import dev.vaeforge.runtime.image.PngWriter;
import dev.vaeforge.runtime.ops.Posterior;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The work of one partition: decode each image with the runtime's rules (the bundle's shape, resize or
 * not), batch the good ones, run them through the executor's shared sessions and emit one row per image;
 * an image that cannot be used becomes a row with its {@code error} and never fails the task. For a
 * conditional bundle each image's condition y comes from its row's {@code condition} column (see
 * {@link ImageSource}); an image without one, or of a class the model does not know, is such a row.
 */
final class PartitionJob implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final BundleLocation bundle;
    private final JobSettings settings;
    private final List<MetricName> metrics;
    /** reconstruct with PNG files: where they go (the job's staging directory), else null. */
    private final String imagesDir;

    PartitionJob(BundleLocation bundle, JobSettings settings, List<MetricName> metrics, String imagesDir) {
        this.bundle = bundle;
        this.settings = settings;
        this.metrics = List.copyOf(metrics);
        this.imagesDir = imagesDir;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        ExecutorModels.Loaded loaded = ExecutorModels.get(bundle, settings);
        VaeRuntime rt = loaded.runtime();
        ImagePreprocessing prep = new ImagePreprocessing(rt.imageShape(), settings.resize());
        FileSystem fs = imagesDir == null ? null : fileSystem(imagesDir);
        int columns = OutputSchema.of(settings.kind(), rt.hasGaussianLatent(), !rt.hasGaussianLatent() && rt.hasCodes(),
                metrics, settings.pngFiles()).size();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && input.hasNext()) {
                    nextBatch(input, loaded, prep, fs, columns, ready);
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /** Reads up to one batch of rows, emitting bad images at once and the good ones after inference. */
    private void nextBatch(Iterator<Row> input, ExecutorModels.Loaded loaded, ImagePreprocessing prep, FileSystem fs,
                           int columns, ArrayDeque<Row> out) {
        ImageShape shape = loaded.runtime().imageShape();
        ConditionSpec spec = loaded.runtime().condition().orElse(null);
        int per = shape.size();
        int b = settings.batchSize();
        int a = spec == null ? 0 : spec.dim();
        float[] x = new float[b * per];
        float[] y = spec == null ? null : new float[b * a];
        int[] indices = new int[b];
        long[] longIndices = new long[b];
        String[] ids = new String[b];
        int n = 0;
        while (n < b && input.hasNext()) {
            Row r = input.next();
            long index = r.getLong(0);
            String id = r.getString(1);
            byte[] bytes = r.isNullAt(2) ? null : (byte[]) r.get(2);
            try {
                if (bytes == null) {
                    throw new ImageReadException(id, "no image bytes (null)");
                }
                if (spec != null) {
                    float[] yi = condition(spec, r.isNullAt(3) ? null : r.getList(3), id);
                    System.arraycopy(yi, 0, y, n * a, a);
                }
                float[] chw = prep.apply(ImageDecoder.decode(bytes, id).image(), id);
                System.arraycopy(chw, 0, x, n * per, per);
            } catch (ImageReadException e) {
                out.add(errorRow(columns, index, id, e.reason()));
                continue;
            } catch (RuntimeException e) {
                // a decoder bug on one hostile file is that file's problem, not the job's
                out.add(errorRow(columns, index, id, "cannot be decoded: " + e));
                continue;
            }
            if (index > Integer.MAX_VALUE) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "image index " + index + " (" + id
                        + ") is beyond " + Integer.MAX_VALUE + ", the most images one evaluation seeds by index");
            }
            indices[n] = (int) index;
            longIndices[n] = index;
            ids[n] = id;
            n++;
        }
        if (n == 0) {
            return;
        }
        float[] batch = n == b ? x : Arrays.copyOf(x, n * per);
        float[] conditions = y == null ? null : n == b ? y : Arrays.copyOf(y, n * a);
        try {
            switch (settings.kind()) {
                case ENCODE -> encode(loaded.runtime(), batch, conditions, n, longIndices, ids, out);
                case RECONSTRUCT -> reconstruct(loaded.runtime(), batch, conditions, n, longIndices, ids, fs, out);
                case EVALUATE -> evaluate(loaded, batch, conditions, n, Arrays.copyOf(indices, n), longIndices, ids, out);
            }
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "ONNX Runtime failed on a batch starting at "
                    + ids[0] + ": " + e.getMessage(), e);
        }
    }

    /**
     * y of one image from its condition column: for labels exactly one class the model knows (one-hot),
     * for attributes the ones it has among the model's (multi-hot; others are ignored, as {@code vaeforge
     * evaluate} selects a dataset's attributes by the model's names).
     *
     * @throws ImageReadException naming the image and what is wrong with its condition
     */
    static float[] condition(ConditionSpec spec, List<String> names, String id) throws ImageReadException {
        float[] y = new float[spec.dim()];
        if (names == null || names.isEmpty()) {
            if (spec.kind() == ConditionKind.ATTRIBUTES && names != null) {
                return y; // an image with none of the attributes
            }
            throw new ImageReadException(id, "has no condition; the model is conditioned on " + spec.describe()
                    + (spec.kind() == ConditionKind.LABELS ? " and needs each image's class (its folder, or the table's"
                    + " condition column)" : " and needs each image's attributes (the table's condition column)"));
        }
        if (spec.kind() == ConditionKind.LABELS) {
            if (names.size() != 1) {
                throw new ImageReadException(id, "has " + names.size() + " classes " + names + "; a model conditioned on "
                        + "labels takes exactly one per image");
            }
            int k = spec.names().indexOf(names.get(0));
            if (k < 0) {
                throw new ImageReadException(id, "has class '" + names.get(0) + "', which the model does not know; its "
                        + "classes: " + String.join(", ", spec.names()));
            }
            y[k] = 1f;
            return y;
        }
        for (String name : names) {
            int k = spec.names().indexOf(name);
            if (k >= 0) {
                y[k] = 1f;
            }
        }
        return y;
    }

    private void encode(VaeRuntime rt, float[] x, float[] y, int n, long[] index, String[] ids, ArrayDeque<Row> out) {
        if (rt.hasCodes()) {
            long[] codes = rt.quantize(rt.encodeGrid(x, n), n).indices();
            int per = codes.length / n;
            for (int i = 0; i < n; i++) {
                out.add(RowFactory.create(index[i], ids[i], boxed(codes, i * per, per), null));
            }
            return;
        }
        Posterior q = rt.encode(x, y, n);
        int d = q.dim();
        for (int i = 0; i < n; i++) {
            out.add(RowFactory.create(index[i], ids[i], boxed(q.mu(), i * d, d), boxed(q.logvar(), i * d, d), null));
        }
    }

    private void reconstruct(VaeRuntime rt, float[] x, float[] y, int n, long[] index, String[] ids, FileSystem fs,
                             ArrayDeque<Row> out) {
        ImageShape shape = rt.imageShape();
        int per = shape.size();
        float[] xHat = rt.reconstruct(x, y, n);
        for (int i = 0; i < n; i++) {
            try {
                byte[] png = PngWriter.encode(FloatImage.of(shape, Arrays.copyOfRange(xHat, i * per, (i + 1) * per)));
                if (fs == null) {
                    out.add(RowFactory.create(index[i], ids[i], png, null));
                } else {
                    String name = pngName(ids[i]);
                    // a retried task writes the same file again: idempotent
                    try (OutputStream o = fs.create(new Path(imagesDir, name), true)) {
                        o.write(png);
                    }
                    out.add(RowFactory.create(index[i], ids[i], "images/" + name, null));
                }
            } catch (IOException e) {
                throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write the reconstruction of " + ids[i]
                        + ": " + e.getMessage(), e);
            }
        }
    }

    private void evaluate(ExecutorModels.Loaded loaded, float[] x, float[] y, int n, int[] indices, long[] index,
                          String[] ids, ArrayDeque<Row> out) throws OrtException {
        Evaluator.BatchValues v = loaded.evaluator().reconstructionValues(x, y, n, indices, loaded.quality());
        Posterior post = v.posterior();
        long[] codes = v.codes();
        boolean latentColumn = loaded.runtime().hasGaussianLatent() || loaded.runtime().hasCodes();
        for (int i = 0; i < n; i++) {
            Object[] row = new Object[3 + metrics.size() + (latentColumn ? 1 : 0)];
            int k = 0;
            row[k++] = index[i];
            row[k++] = ids[i];
            for (MetricName m : metrics) {
                double[] values = v.metrics().get(m);
                row[k++] = values == null ? null : values[i];
            }
            if (latentColumn) {
                if (post != null) {
                    row[k++] = boxed(post.mu(), i * post.dim(), post.dim());
                } else if (codes != null) {
                    int per = codes.length / n;
                    row[k++] = boxed(codes, i * per, per);
                } else {
                    row[k++] = null;
                }
            }
            row[k] = null;
            out.add(RowFactory.create(row));
        }
    }

    private static Row errorRow(int columns, long index, String id, String reason) {
        Object[] row = new Object[columns];
        row[0] = index;
        row[1] = id;
        row[columns - 1] = reason;
        return RowFactory.create(row);
    }

    /** {@code a/b/c.jpg} -> {@code a/b/c.png}; ids that are URIs keep only their path. */
    static String pngName(String id) {
        String p = id.contains(":/") ? id.substring(id.indexOf(":/") + 2).replaceFirst("^/+", "") : id;
        int dot = p.lastIndexOf('.');
        int slash = p.lastIndexOf('/');
        return (dot > slash ? p.substring(0, dot) : p) + ".png";
    }

    private static FileSystem fileSystem(String dir) {
        try {
            return new Path(dir).getFileSystem(new Configuration());
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot open " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Float[] boxed(float[] a, int from, int n) {
        Float[] o = new Float[n];
        for (int i = 0; i < n; i++) {
            o[i] = a[from + i];
        }
        return o;
    }

    private static Long[] boxed(long[] a, int from, int n) {
        Long[] o = new Long[n];
        for (int i = 0; i < n; i++) {
            o[i] = a[from + i];
        }
        return o;
    }
}
