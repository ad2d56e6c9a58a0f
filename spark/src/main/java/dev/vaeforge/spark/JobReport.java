package dev.vaeforge.spark;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * job.json: what a job did. Written into the output directory with the table.
 *
 * @param images        images computed (bad ones not counted)
 * @param badFiles      images that could not be used (listed in bad-files.csv)
 * @param seconds       wall time of the job's main pass (read, decode, infer, write)
 * @param totalSeconds  wall time from the start of the job to the published output, start-up of the
 *                      sessions on the executors included
 * @param latentShape   encode: the shape of one image's latent (mu/logvar or codes are flattened)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobReport(String format, int formatVersion, String kind, String bundle, String data, String table,
                        long images, long badFiles, int partitions, String master, String sparkVersion,
                        double seconds, double imagesPerSecond, double totalSeconds, List<Long> latentShape,
                        String golden) {
    public static final String FORMAT = "vaeforge-spark-job";
    public static final int VERSION = 1;
}
