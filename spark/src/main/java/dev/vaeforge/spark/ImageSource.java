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
 * or a list of paths), or a Parquet table with a binary image column (and, for a conditional bundle, a
 * condition column).
 *
 * <p>{@link #load} gives one row per image with three columns: {@code index} (long: the image's place in
 * a deterministic order, which seeds the ELBO's and the NLL's draws exactly as {@code vaeforge evaluate}
 * seeds them), {@code id} (string) and {@code image} (binary: the encoded file). Files are ordered by
 * path, as {@code folder:DIR} orders them (relative paths compared as strings), so a folder evaluated here
 * and by {@code vaeforge evaluate} gives every image the same index and id. {@link #load(SparkSession,
 * boolean)} with conditions adds a fourth, {@code condition} (array of strings): the image's class, or
 * the attributes it has. Files take their class from their folder, as {@code vaeforge evaluate} does with
 * a conditional bundle: the first sub-folder under the root ({@code DIR/<class>/...}), or, for files and
 * globs without a root, the folder the file is in. A table takes it from {@code conditionColumn}: a
 * string or integer column (the class), or an array of strings (the attributes).
 *
 * @param paths       binary files: folders, globs or files; Parquet: the table's path(s)
 * @param root        binary files: the folder ids are relative to (null: ids are the full paths)
 * @param parquet     read a Parquet table instead of binary files
 * @param imageColumn Parquet: the column holding the encoded image (PNG/JPEG/... bytes)
 * @param idColumn    Parquet: the column naming each image (null: the index)
 * @param indexColumn Parquet: a column with each image's index (null: the table's read order)
 * @param conditionColumn Parquet: the column with each image's class or attributes (null: none; a
 *                    conditional bundle then refuses the table)
 */
public record ImageSource(List<String> paths, String root, boolean parquet, String imageColumn, String idColumn,
                          String indexColumn, String conditionColumn) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String INDEX = "index";
    public static final String ID = "id";
    public static final String IMAGE = "image";
    public static final String CONDITION = "condition";
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
        return new ImageSource(List.of(dir), dir, false, null, null, null, null);
    }

    /** Image files or globs; ids are full paths (or relative to the one folder given). */
    public static ImageSource files(List<String> pathsOrGlobs) {
        return new ImageSource(pathsOrGlobs, null, false, null, null, null, null);
    }

    /** A Parquet table with the encoded images in {@code imageColumn}. */
    public static ImageSource parquet(String path, String imageColumn, String idColumn, String indexColumn) {
        return parquet(path, imageColumn, idColumn, indexColumn, null);
    }

    /** A Parquet table with the encoded images in {@code imageColumn} and conditions in {@code conditionColumn}. */
    public static ImageSource parquet(String path, String imageColumn, String idColumn, String indexColumn,
                                      String conditionColumn) {
        return new ImageSource(List.of(path), null, true, imageColumn, idColumn, indexColumn, conditionColumn);
    }

    /**
     * Parses the CLI's data arguments: {@code folder:DIR},
     * {@code parquet:PATH[,image=COL][,id=COL][,index=COL][,condition=COL]}
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
            String condition = null;
            for (String p : Arrays.asList(parts).subList(1, parts.length)) {
                String[] kv = p.split("=", 2);
                if (kv.length != 2 || kv[1].isBlank()) {
                    throw VaeforgeException.badParameter("data: '" + p + "' in " + first + " is not KEY=COLUMN (image=,"
                            + " id=, index=, condition=)", "data");
                }
                switch (kv[0].strip()) {
                    case "image" -> image = kv[1].strip();
                    case "id" -> id = kv[1].strip();
                    case "index" -> index = kv[1].strip();
                    case "condition" -> condition = kv[1].strip();
                    default -> throw VaeforgeException.badParameter("data: unknown key '" + kv[0] + "' in " + first
                            + ", expected image=, id=, index= or condition=", "data");
                }
            }
            if (parts[0].isBlank()) {
                throw VaeforgeException.badParameter("data: " + first + " names no table", "data");
            }
            return parquet(parts[0], image, id, index, condition);
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
        return load(spark, false);
    }

    /**
     * index, id, image and, with {@code conditions}, condition (array of strings, null where the image has
     * none): one row per image file (binary files) or table row (Parquet).
     *
     * @throws VaeforgeException a table without a condition column when {@code conditions} is asked for, or
     *                           with one of a type that holds no class or attributes
     */
    public Dataset<Row> load(SparkSession spark, boolean conditions) {
        return parquet ? loadParquet(spark, conditions) : loadFiles(spark, conditions);
    }

    /** What the data is, for metrics.json. */
    public String describe() {
        if (parquet) {
            return "parquet:" + paths.get(0) + " (image column " + imageColumn + ")";
        }
        return root != null ? "folder:" + root : "binaryFile:" + String.join(",", paths);
    }

    private Dataset<Row> loadFiles(SparkSession spark, boolean conditions) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(paths.toArray(String[]::new));
        String prefix = root == null ? null : qualified(spark, root) + "/";
        // the order (and so each image's index) comes from the paths alone: no file is read to get it
        JavaRDD<Row> indexed = files.select("path").javaRDD()
                .filter(r -> imageFile(r.getString(0)))
                .sortBy(r -> r.getString(0), true, Math.max(1, files.rdd().getNumPartitions()))
                .zipWithIndex()
                .map(t -> {
                    String path = t._1().getString(0);
                    String id = id(path, prefix);
                    return conditions ? RowFactory.create(path, t._2(), id, folderClass(path, id, prefix))
                            : RowFactory.create(path, t._2(), id);
                });
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("path", DataTypes.StringType, false),
                DataTypes.createStructField(INDEX, DataTypes.LongType, false),
                DataTypes.createStructField(ID, DataTypes.StringType, false)});
        if (conditions) {
            schema = schema.add(CONDITION, DataTypes.createArrayType(DataTypes.StringType, false), true);
        }
        Dataset<Row> order = spark.createDataFrame(indexed, schema).cache();
        // Spark cannot size a table made from an RDD, so it would shuffle the image bytes to join; up to a million
        // paths (about 100 MB) the (path, index, id) table goes to every task instead
        if (order.count() <= BROADCAST_PATHS) {
            order = functions.broadcast(order);
        }
        Dataset<Row> joined = files.join(order, "path");
        return conditions
                ? joined.select(order.col(INDEX), order.col(ID), files.col("content").as(IMAGE), order.col(CONDITION))
                : joined.select(order.col(INDEX), order.col(ID), files.col("content").as(IMAGE));
    }

    /**
     * The class of an image file, from its folder: under a root the first sub-folder of its relative id
     * (as {@code vaeforge evaluate}'s folder labels), else the folder it is in; null where there is none.
     */
    static String[] folderClass(String path, String id, String prefix) {
        String name;
        if (prefix != null) {
            int slash = id.indexOf('/');
            name = slash < 0 || !path.startsWith(prefix) ? null : id.substring(0, slash);
        } else {
            String[] parts = path.split("/");
            name = parts.length < 2 ? null : parts[parts.length - 2];
        }
        return name == null || name.isEmpty() ? null : new String[] {name};
    }

    private Dataset<Row> loadParquet(SparkSession spark, boolean conditions) {
        Dataset<Row> t = spark.read().parquet(paths.get(0));
        List<String> columns = Arrays.asList(t.columns());
        if (conditions && conditionColumn == null) {
            throw VaeforgeException.badParameter("data: the bundle is conditional and " + paths.get(0) + " names no"
                    + " condition column: add condition=COLUMN (the class, or an array of the attributes each image has);"
                    + " its columns are " + columns, "data");
        }
        List<String> missing = new ArrayList<>();
        for (String c : new String[] {imageColumn, idColumn, indexColumn, conditions ? conditionColumn : null}) {
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
        if (!conditions) {
            return withIndex.select(withIndex.col(INDEX), id.as(ID), withIndex.col(imageColumn).as(IMAGE));
        }
        return withIndex.select(withIndex.col(INDEX), id.as(ID), withIndex.col(imageColumn).as(IMAGE),
                conditionColumn(withIndex).as(CONDITION));
    }

    /** The condition column as an array of strings: a class (string or integer) becomes a one-element array. */
    private org.apache.spark.sql.Column conditionColumn(Dataset<Row> t) {
        org.apache.spark.sql.types.DataType type = t.schema().apply(conditionColumn).dataType();
        org.apache.spark.sql.Column c = t.col(conditionColumn);
        if (type.equals(DataTypes.StringType) || type instanceof org.apache.spark.sql.types.IntegralType) {
            return functions.when(c.isNull(), functions.lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)))
                    .otherwise(functions.array(c.cast(DataTypes.StringType)));
        }
        if (type instanceof org.apache.spark.sql.types.ArrayType a && a.elementType().equals(DataTypes.StringType)) {
            return c;
        }
        throw VaeforgeException.badParameter("data: condition column " + conditionColumn + " of " + paths.get(0) + " is "
                + type.simpleString() + ", expected a string or integer (the class) or array<string> (the attributes)",
                "data");
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
