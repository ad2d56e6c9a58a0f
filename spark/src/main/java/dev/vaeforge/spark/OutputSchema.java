package dev.vaeforge.spark;

import dev.vaeforge.runtime.eval.MetricName;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a job's table. Every row has {@code index}, {@code id} and {@code error} (null, or why the
 * image could not be used: its other columns are then null). Encode: {@code mu} and {@code logvar} (a
 * Gaussian latent, flattened) or {@code codes} (a code grid, flattened). Reconstruct: {@code png} (bytes)
 * or {@code file} (the PNG written under OUT/images/). Evaluate: one double column per metric, named as in
 * metrics.csv, plus {@code mu} (the posterior mean, for the active units) or {@code codes}.
 */
final class OutputSchema {
    static final String ERROR = "error";
    static final String MU = "mu";
    static final String LOGVAR = "logvar";
    static final String CODES = "codes";
    static final String PNG = "png";
    static final String FILE = "file";

    private OutputSchema() {
    }

    static StructType of(JobKind kind, boolean gaussian, boolean codes, List<MetricName> metrics, boolean pngFiles) {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField(ImageSource.INDEX, DataTypes.LongType, false));
        f.add(DataTypes.createStructField(ImageSource.ID, DataTypes.StringType, false));
        switch (kind) {
            case ENCODE -> latents(f, gaussian, codes, true);
            case RECONSTRUCT -> f.add(pngFiles ? DataTypes.createStructField(FILE, DataTypes.StringType, true)
                    : DataTypes.createStructField(PNG, DataTypes.BinaryType, true));
            case EVALUATE -> {
                for (MetricName m : metrics) {
                    f.add(DataTypes.createStructField(m.id(), DataTypes.DoubleType, true));
                }
                latents(f, gaussian, codes, false);
            }
        }
        f.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        return new StructType(f.toArray(StructField[]::new));
    }

    private static void latents(List<StructField> f, boolean gaussian, boolean codes, boolean withLogvar) {
        if (gaussian) {
            f.add(DataTypes.createStructField(MU, DataTypes.createArrayType(DataTypes.FloatType, false), true));
            if (withLogvar) {
                f.add(DataTypes.createStructField(LOGVAR, DataTypes.createArrayType(DataTypes.FloatType, false), true));
            }
        } else if (codes) {
            f.add(DataTypes.createStructField(CODES, DataTypes.createArrayType(DataTypes.LongType, false), true));
        }
    }
}
