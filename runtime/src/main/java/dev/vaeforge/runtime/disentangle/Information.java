package dev.vaeforge.runtime.disentangle;

import java.util.HashMap;
import java.util.Map;

/**
 * Histograms and mutual information on discrete values, as disentanglement_lib computes them:
 * {@code np.digitize(x, np.histogram(x, bins)[1][:-1])} for the discretisation, and scikit-learn's
 * {@code mutual_info_score} (natural logarithm, from the contingency table) for the information.
 */
public final class Information {
    private Information() {
    }

    /**
     * Each value's bin among {@code bins} equal-width bins from min to max (min == max: one bin of width
     * 1 around it, as NumPy does), numbered 1..bins; the largest value falls in the last bin.
     */
    public static int[] discretize(double[] x, int bins) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        double step = (hi - lo) / bins;
        double[] edges = new double[bins];
        for (int i = 0; i < bins; i++) {
            edges[i] = lo + i * step;
        }
        int[] out = new int[x.length];
        for (int n = 0; n < x.length; n++) {
            // digitize against the left edges: the number of edges <= x
            int a = 0;
            int b = bins;
            while (a < b) {
                int m = (a + b) >>> 1;
                if (edges[m] <= x[n]) {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            out[n] = a;
        }
        return out;
    }

    /** I(a; b) in nats from the empirical joint distribution of two label sequences of equal length. */
    public static double mutualInformation(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " and " + b.length + " labels: expected the same number");
        }
        int n = a.length;
        Map<Integer, Integer> ia = index(a);
        Map<Integer, Integer> ib = index(b);
        long[][] joint = new long[ia.size()][ib.size()];
        long[] ca = new long[ia.size()];
        long[] cb = new long[ib.size()];
        for (int i = 0; i < n; i++) {
            int x = ia.get(a[i]);
            int y = ib.get(b[i]);
            joint[x][y]++;
            ca[x]++;
            cb[y]++;
        }
        double mi = 0;
        for (int x = 0; x < ca.length; x++) {
            for (int y = 0; y < cb.length; y++) {
                long c = joint[x][y];
                if (c > 0) {
                    mi += (double) c / n * (Math.log((double) c * n) - Math.log((double) ca[x] * cb[y]));
                }
            }
        }
        return Math.max(mi, 0);
    }

    /** H(a) in nats, I(a; a). */
    public static double entropy(int[] a) {
        return mutualInformation(a, a);
    }

    /** Shannon entropy of the distribution proportional to {@code p} (non-negative), in base {@code base}. */
    public static double entropy(double[] p, double base) {
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                double q = v / sum;
                h -= q * Math.log(q);
            }
        }
        return h / Math.log(base);
    }

    private static Map<Integer, Integer> index(int[] values) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int v : values) {
            m.putIfAbsent(v, m.size());
        }
        return m;
    }
}
