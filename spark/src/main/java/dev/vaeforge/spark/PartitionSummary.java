package dev.vaeforge.spark;

import dev.vaeforge.runtime.eval.RunningStats;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * One partition's running statistics of the evaluated images, merged on the driver into those of the
 * whole set ({@link RunningStats#merge}): the same statistics {@code vaeforge evaluate} keeps, so the
 * means, standard deviations, minima and maxima agree.
 */
final class PartitionSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    final Map<String, RunningStats> metrics = new LinkedHashMap<>();
    /** Per latent dimension: the posterior means' statistics (active units); null without a Gaussian latent. */
    RunningStats[] means;
    /** How often each code was picked (a code grid); null for the others. */
    long[] codeCounts;
    long images;

    /** Rows of columns {@code metricIds} and then, where {@code latentColumn}, the mu or codes array. */
    static PartitionSummary of(java.util.Iterator<Row> rows, List<String> metricIds, boolean gaussian, int codebook) {
        PartitionSummary s = new PartitionSummary();
        for (String m : metricIds) {
            s.metrics.put(m, new RunningStats());
        }
        if (codebook > 0) {
            s.codeCounts = new long[codebook];
        }
        while (rows.hasNext()) {
            Row r = rows.next();
            s.images++;
            for (int i = 0; i < metricIds.size(); i++) {
                if (!r.isNullAt(i)) {
                    s.metrics.get(metricIds.get(i)).add(r.getDouble(i));
                }
            }
            int k = metricIds.size();
            if (gaussian && !r.isNullAt(k)) {
                List<Float> mu = r.getList(k);
                if (s.means == null) {
                    s.means = new RunningStats[mu.size()];
                    for (int d = 0; d < mu.size(); d++) {
                        s.means[d] = new RunningStats();
                    }
                }
                for (int d = 0; d < mu.size(); d++) {
                    s.means[d].add(mu.get(d));
                }
            } else if (codebook > 0 && !r.isNullAt(k)) {
                List<Long> codes = r.getList(k);
                for (long c : codes) {
                    s.codeCounts[(int) c]++;
                }
            }
        }
        return s;
    }

    /** Adds {@code o}'s images to these. */
    void merge(PartitionSummary o) {
        images += o.images;
        o.metrics.forEach((k, v) -> metrics.computeIfAbsent(k, x -> new RunningStats()).merge(v));
        if (o.means != null) {
            if (means == null) {
                means = new RunningStats[o.means.length];
                for (int d = 0; d < means.length; d++) {
                    means[d] = new RunningStats();
                }
            }
            for (int d = 0; d < means.length; d++) {
                means[d].merge(o.means[d]);
            }
        }
        if (o.codeCounts != null) {
            if (codeCounts == null) {
                codeCounts = new long[o.codeCounts.length];
            }
            for (int c = 0; c < codeCounts.length; c++) {
                codeCounts[c] += o.codeCounts[c];
            }
        }
    }
}
