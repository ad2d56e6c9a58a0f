package dev.vaeforge.spark;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.image.ImageFileType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where the images come from: files read with Spark's {@code binaryFile} source (a folder tree, a glob
 * or a list of paths), or a Parquet table with a binary image column.
 *
 * <p>{@link #load} gives one row per image with three columns: {@code index} (long: the image's place in
 * a deterministic order, which seeds the ELBO's and the NLL's draws exactly as {@code vaeforge evaluate}
 * seeds them), {@code id} (string) and {@code image} (binary: the encoded file). Files are ordered by
 * path, as {@code folder:DIR} orders them (relative paths compared as strings), so a folder evaluated here
 * and by {@code vaeforge evaluate} gives every image the same index and id.
 *
 * @param paths       binary files: folders, globs or files; Parquet: the table's path(s)
 * @param root        binary files: the folder ids are relative to (null: ids are the full paths)
 * @param parquet     read a Parquet table instead of binary files
 * @param imageColumn Parquet: the column holding the encoded image (PNG/JPEG/... bytes)
 * @param idColumn    Parquet: the column naming each image (null: the index)
 * @param indexColumn Parquet: a column with each image's index (null: the table's read order)
 */
public record ImageSource(List<String> paths, String root, boolean parquet, String imageColumn, String idColumn,
                          String indexColumn) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String INDEX = "index";
    public static final String ID = "id";
    public static final String IMAGE = "image";
    /** Up to this many files the image order is broadcast to the join instead of shuffling the images. */
    static final long BROADCAST_PATHS = 1_000_000;

    public ImageSource {
        if (paths == null || paths.isEmpty()) {
            throw VaeforgeException.badParameter("data: no path given", "data");
        }
        paths = List.copyOf(paths);
        if (parquet && (imageColumn == null || imageColumn.isBlank())) {
            throw VaeforgeException.badParameter("data: a Parquet table needs the image column's name", "data");
        }
    }

    /** Every image file under {@code dir} (recursive), ids relative to it. */
    public static ImageSource folder(String dir) {
        return new ImageSource(List.of(dir), dir, false, null, null, null);
    }

    /** Image files or globs; ids are full paths (or relative to the one folder given). */
    public static ImageSource files(List<String> pathsOrGlobs) {
        return new ImageSource(pathsOrGlobs, null, false, null, null, null);
    }

    /** A Parquet table with the encoded images in {@code imageColumn}. */
    public static ImageSource parquet(String path, String imageColumn, String idColumn, String indexColumn) {
        return new ImageSource(List.of(path), null, true, imageColumn, idColumn, indexColumn);
    }

    /**
     * Parses the CLI's data arguments: {@code folder:DIR}, {@code parquet:PATH[,image=COL][,id=COL][,index=COL]}
     * (image defaults to {@code image}), or one or more paths and globs (a single folder is a folder tree).
     */
    public static ImageSource parse(List<String> specs) {
        if (specs == null || specs.isEmpty()) {
            throw VaeforgeException.badParameter("data: no dataset given", "data");
        }
        String first = specs.get(0);
        if (first.startsWith("parquet:")) {
            if (specs.size() > 1) {
                throw VaeforgeException.badParameter("data: a parquet: table is given alone, got " + specs, "data");
            }
            String[] parts = first.substring("parquet:".length()).split(",");
            String image = IMAGE;
            String id = null;
            String index = null;
            for (String p : Arrays.asList(parts).subList(1, parts.length)) {
                String[] kv = p.split("=", 2);
                if (kv.length != 2 || kv[1].isBlank()) {
                    throw VaeforgeException.badParameter("data: '" + p + "' in " + first + " is not KEY=COLUMN (image=,"
                            + " id=, index=)", "data");
                }
                switch (kv[0].strip()) {
                    case "image" -> image = kv[1].strip();
                    case "id" -> id = kv[1].strip();
                    case "index" -> index = kv[1].strip();
                    default -> throw VaeforgeException.badParameter("data: unknown key '" + kv[0] + "' in " + first
                            + ", expected image=, id= or index=", "data");
                }
            }
            if (parts[0].isBlank()) {
                throw VaeforgeException.badParameter("data: " + first + " names no table", "data");
            }
            return parquet(parts[0], image, id, index);
        }
        if (specs.size() == 1 && first.startsWith("folder:")) {
            return folder(first.substring("folder:".length()));
        }
        for (String s : specs) {
            if (s.matches("^[a-z]+:[^/].*") && !s.matches("^[a-zA-Z]:\\\\.*")) {
                throw VaeforgeException.badParameter("data: '" + s + "' is not a path, folder:DIR or parquet:PATH; the"
                        + " built-in dataset specs (shapes, idx:, ...) are read by 'vaeforge evaluate', write them as"
                        + " image files for a Spark job", "data");
            }
        }
        if (specs.size() == 1 && !hasGlob(first) && !ImageFileType.byExtension(first).isPresent()) {
            return folder(first);
        }
        return files(specs);
    }

    private static boolean hasGlob(String s) {
        return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
    }

    /** index, id, image: one row per image file (binary files) or table row (Parquet). */
    public Dataset<Row> load(SparkSession spark) {
        return parquet ? loadParquet(spark) : loadFiles(spark);
    }

    /** What the data is, for metrics.json. */
    public String describe() {
        if (parquet) {
            return "parquet:" + paths.get(0) + " (image column " + imageColumn + ")";
        }
        return root != null ? "folder:" + root : "binaryFile:" + String.join(",", paths);
    }

    private Dataset<Row> loadFiles(SparkSession spark) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(paths.toArray(String[]::new));
        String prefix = root == null ? null : qualified(spark, root) + "/";
        // the order (and so each image's index) comes from the paths alone: no file is read to get it
        JavaRDD<Row> indexed = files.select("path").javaRDD()
                .filter(r -> imageFile(r.getString(0)))
                .sortBy(r -> r.getString(0), true, Math.max(1, files.rdd().getNumPartitions()))
                .zipWithIndex()
                .map(t -> RowFactory.create(t._1().getString(0), t._2(), id(t._1().getString(0), prefix)));
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("path", DataTypes.StringType, false),
                DataTypes.createStructField(INDEX, DataTypes.LongType, false),
                DataTypes.createStructField(ID, DataTypes.StringType, false)});
        Dataset<Row> order = spark.createDataFrame(indexed, schema).cache();
        // Spark cannot size a table made from an RDD, so it would shuffle the image bytes to join; up to a million
        // paths (about 100 MB) the (path, index, id) table goes to every task instead
        if (order.count() <= BROADCAST_PATHS) {
            order = functions.broadcast(order);
        }
        return files.join(order, "path").select(order.col(INDEX), order.col(ID), files.col("content").as(IMAGE));
    }

    private Dataset<Row> loadParquet(SparkSession spark) {
        Dataset<Row> t = spark.read().parquet(paths.get(0));
        List<String> columns = Arrays.asList(t.columns());
        List<String> missing = new ArrayList<>();
        for (String c : new String[] {imageColumn, idColumn, indexColumn}) {
            if (c != null && !columns.contains(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw VaeforgeException.badParameter("data: " + paths.get(0) + " has no column " + String.join(", ", missing)
                    + "; its columns are " + columns, "data");
        }
        if (!t.schema().apply(imageColumn).dataType().equals(DataTypes.BinaryType)) {
            throw VaeforgeException.badParameter("data: column " + imageColumn + " of " + paths.get(0) + " is "
                    + t.schema().apply(imageColumn).dataType().simpleString() + ", expected binary (encoded image files)",
                    "data");
        }
        Dataset<Row> withIndex;
        if (indexColumn != null) {
            withIndex = t.withColumn(INDEX, t.col(indexColumn).cast(DataTypes.LongType));
        } else {
            StructType schema = t.schema().add(INDEX, DataTypes.LongType, false);
            JavaRDD<Row> rows = t.javaRDD().zipWithIndex().map(p -> {
                Object[] values = new Object[p._1().size() + 1];
                for (int i = 0; i < p._1().size(); i++) {
                    values[i] = p._1().get(i);
                }
                values[values.length - 1] = p._2();
                return RowFactory.create(values);
            });
            withIndex = spark.createDataFrame(rows, schema);
        }
        org.apache.spark.sql.Column id = idColumn != null ? withIndex.col(idColumn).cast(DataTypes.StringType)
                : withIndex.col(INDEX).cast(DataTypes.StringType);
        return withIndex.select(withIndex.col(INDEX), id.as(ID), withIndex.col(imageColumn).as(IMAGE));
    }

    private static boolean imageFile(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return !name.startsWith(".") && ImageFileType.byExtension(name).isPresent();
    }

    private static String id(String path, String prefix) {
        return prefix != null && path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    private static String qualified(SparkSession spark, String dir) {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            String q = fs.makeQualified(p).toString();
            return q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
        } catch (java.io.IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "data: cannot resolve " + dir + ": " + e.getMessage(), e);
        }
    }
}
