package dev.vaeforge.spark;

import java.io.File;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * Where an executor finds the bundle: shipped with the job ({@code SparkContext.addFile}, found with
 * {@link SparkFiles#get}) or at a path every executor sees (a shared file system).
 *
 * @param path    the driver's path of the bundle (directory or .zip)
 * @param shipped whether the driver added it to the job's files
 */
public record BundleLocation(String path, boolean shipped) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The bundle on this JVM. */
    public Path local() {
        if (!shipped) {
            return Path.of(path);
        }
        String name = new File(path).getName();
        return Path.of(SparkFiles.get(name));
    }
}
