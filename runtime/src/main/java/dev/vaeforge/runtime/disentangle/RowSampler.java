package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.FactorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Points drawn from the rows of a given table of (factor classes, code): how
 * {@code disentanglement --latents --factors} scores a representation vaeforge did not make. Within one
 * score ({@link #restart}) {@link #sample} walks a shuffled order of the rows without replacement, so
 * asking for N points uses every row once and a train and a test draw that together fit are disjoint;
 * it reshuffles only when the rows are used up. A point with factor k fixed to class c is a uniform draw among the rows whose factor
 * k is c; on a full factor grid this is the same distribution as {@link GeneratedSampler}'s.
 */
public final class RowSampler implements FactorSampler {
    private final FactorSpec factors;
    private final int[][] rows;
    private final double[][] codes;
    private final int[][][] byClass;
    private int[] order;
    private int cursor;

    /**
     * @param factors n rows of K classes, each in 0..(its factor's size - 1)
     * @param codes   n codes of one width
     */
    public RowSampler(FactorSpec spec, int[][] factors, double[][] codes) {
        if (factors.length != codes.length || factors.length == 0) {
            throw VaeforgeException.badParameter("factors has " + factors.length + " rows and latents " + codes.length
                    + "; expected the same number of rows, at least one", "factors", "latents");
        }
        this.factors = spec;
        this.rows = factors;
        this.codes = codes;
        int k = spec.count();
        byClass = new int[k][][];
        for (int f = 0; f < k; f++) {
            List<List<Integer>> lists = new ArrayList<>();
            for (int c = 0; c < spec.size(f); c++) {
                lists.add(new ArrayList<>());
            }
            for (int i = 0; i < factors.length; i++) {
                lists.get(factors[i][f]).add(i);
            }
            byClass[f] = new int[spec.size(f)][];
            for (int c = 0; c < spec.size(f); c++) {
                byClass[f][c] = lists.get(c).stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    @Override
    public FactorSpec factors() {
        return factors;
    }

    @Override
    public int codeSize() {
        return codes[0].length;
    }

    @Override
    public void restart(SplittableRandom rng) {
        order = new int[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        cursor = 0;
    }

    @Override
    public Draw sample(int n, SplittableRandom rng) {
        if (order == null) {
            restart(rng);
        }
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
            if (cursor == order.length) {
                restart(rng);
            }
            pick[i] = order[cursor++];
        }
        return draw(pick);
    }

    /** Rows in the table. */
    public int rows() {
        return rows.length;
    }

    @Override
    public Draw sampleWithFactor(int k, int[] classes, SplittableRandom rng) {
        int[] pick = new int[classes.length];
        for (int i = 0; i < classes.length; i++) {
            int[] bucket = byClass[k][classes[i]];
            pick[i] = bucket[rng.nextInt(bucket.length)];
        }
        return draw(pick);
    }

    @Override
    public int sampleClass(int k, SplittableRandom rng) {
        return rows[rng.nextInt(rows.length)][k];
    }

    private Draw draw(int[] pick) {
        int[][] f = new int[pick.length][];
        double[][] c = new double[pick.length][];
        for (int i = 0; i < pick.length; i++) {
            f[i] = rows[pick[i]];
            c[i] = codes[pick[i]];
        }
        return new Draw(f, c);
    }
}
