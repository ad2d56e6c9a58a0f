package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Statistics kept per part and merged equal those of one stream (the Spark job's summaries rely on it). */
class RunningStatsMergeTest {
    @Test
    void mergedPartsEqualOneStream() {
        Random r = new Random(11);
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1e3 + r.nextGaussian() * (i % 7 + 1);
        }
        values[17] = Double.POSITIVE_INFINITY;
        RunningStats whole = new RunningStats();
        for (double v : values) {
            whole.add(v);
        }
        // uneven parts, one of them empty, merged in an order unlike the stream's
        int[] cuts = {0, 3, 3, 400, 401, 1000};
        RunningStats merged = new RunningStats();
        for (int p = cuts.length - 2; p >= 0; p--) {
            RunningStats part = new RunningStats();
            for (int i = cuts[p]; i < cuts[p + 1]; i++) {
                part.add(values[i]);
            }
            merged.merge(part);
        }
        RunningStats.Summary a = whole.summary();
        RunningStats.Summary b = merged.summary();
        assertEquals(a.count(), b.count());
        assertEquals(a.infinite(), b.infinite());
        assertEquals(a.mean(), b.mean(), 1e-12 * Math.abs(a.mean()));
        assertEquals(a.std(), b.std(), 1e-10 * a.std());
        assertEquals(a.min(), b.min());
        assertEquals(a.max(), b.max());
        // the closed form: population std of the finite values
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        assertEquals(Math.sqrt(ss / n), b.std(), 1e-9 * b.std());
    }
}
