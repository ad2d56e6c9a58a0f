package dev.vaeforge.runtime.disentangle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaeforge.runtime.data.FactorSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One small case of each score, its value worked out by hand in the comments. */
class HandComputedScoresTest {
    private static FactorSampler.Draw draw(int[][] factors, double[][] codes) {
        return new FactorSampler.Draw(factors, codes);
    }

    @Test
    void histogramLikeNumpy() {
        // np.digitize(x, np.histogram(x, 4)[1][:-1]) for x = 0, 1, 2, 3, 4: edges 0, 1, 2, 3 -> 1, 2, 3, 4, 4
        assertArrayEquals(new int[] {1, 2, 3, 4, 4}, Information.discretize(new double[] {0, 1, 2, 3, 4}, 4));
        // a constant: numpy widens the range to (x - 0.5, x + 0.5); everything lands in one bin
        int[] c = Information.discretize(new double[] {2, 2, 2}, 20);
        assertEquals(c[0], c[1]);
        assertEquals(c[1], c[2]);
    }

    @Test
    void migOfOnePerfectAndOnePartialCode() {
        // factor y = 0 0 1 1; z0 = y (I = ln 2 = H(y)); z1 = 0 0 0 1 in 2 bins -> 1 1 1 2:
        // I(z1; y) = H(z1) - H(z1|y) = -(3/4 ln 3/4 + 1/4 ln 1/4) - 1/2 ln 2; MIG = (ln 2 - I(z1; y)) / ln 2
        int[][] f = {{0}, {0}, {1}, {1}};
        double[][] z = {{0, 0}, {0, 0}, {1, 0}, {1, 1}};
        double hz1 = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        double expected = (Math.log(2) - (hz1 - 0.5 * Math.log(2))) / Math.log(2);
        assertEquals(expected, Scores.mig(draw(f, z), 2, null), 1e-12);
        assertEquals(0.688721875540867, expected, 1e-12);
    }

    @Test
    void sapWithContinuousFactor() {
        // y = 0 1 2 3; z0 = y (R^2 = 1); z1 = 0 0 1 0: cov = 0.5/3, var z = 0.75/3, var y = 5/3 -> R^2 = 1/15
        int[][] f = {{0}, {1}, {2}, {3}};
        double[][] z = {{0, 0}, {1, 0}, {2, 1}, {3, 0}};
        assertEquals(1 - 1.0 / 15, Scores.sap(draw(f, z), draw(f, z), true), 1e-12);
    }

    @Test
    void dciOfAnImportanceMatrix() {
        // rows = codes, columns = factors: code 0 serves factor 0 only, code 1 both equally
        double[][] imp = {{1, 0}, {0.5, 0.5}};
        // disentanglement: (1 - 0) * 1/2 + (1 - 1) * 1/2
        assertEquals(0.5, Scores.disentanglement(imp), 1e-9);
        // completeness: factor 0 (2/3, 1/3): 1 - H2 = 1 - 0.918296, weight 3/4; factor 1 (0, 1): 1, weight 1/4
        double h = -(2.0 / 3 * Math.log(2.0 / 3) + 1.0 / 3 * Math.log(1.0 / 3)) / Math.log(2);
        assertEquals(0.75 * (1 - h) + 0.25, Scores.completeness(imp), 1e-9);
    }

    @Test
    void modularityOfAnMiMatrix() {
        // code 0 informs one factor (1), code 1 two equally (1 - (2 - 1) / (1 * 1) = 0); a silent code 0
        assertEquals(0.5, Scores.modularity(new double[][] {{1, 0}, {1, 1}}), 1e-12);
        assertEquals(1.0 / 3, Scores.modularity(new double[][] {{1, 0}, {1, 1}, {0, 0}}), 1e-12);
    }

    @Test
    void rocAucLikeScikitLearn() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        assertEquals(0.75, Scores.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}), 1e-12);
        // a tie between a positive and a negative counts half
        assertEquals(0.5, Scores.auc(new double[] {1, 1}, new boolean[] {false, true}), 1e-12);
    }

    /** Two binary factors coded as themselves. */
    private static GeneratedSampler twoBits() {
        FactorSpec spec = FactorSpec.ofClasses(List.of("a", "b"), new int[] {2, 2});
        return new GeneratedSampler(spec, f -> {
            double[][] z = new double[f.length][];
            for (int i = 0; i < f.length; i++) {
                z[i] = new double[] {f[i][0], f[i][1]};
            }
            return z;
        }, 2);
    }

    @Test
    void betaVaeOnTwoBits() {
        // batch 1: a pair sharing factor k differs in the other code with probability 1/2, so the feature is
        // (0, 1) for k = 0, (1, 0) for k = 1, or (0, 0) for either: the best accuracy is 1/2 + 1/2 * 1/2 = 3/4
        double[] r = Scores.betaVae(twoBits(), 1, 2000, 2000, new SplittableRandom(5));
        assertEquals(0.75, r[1], 0.03);
    }

    @Test
    void factorVaeOnTwoBits() {
        // batch 2: fixing factor 0 always gives code 0 zero variance (vote 0 -> code 0); fixing factor 1 gives
        // code 1 zero variance, and code 0 too when both points agree (p = 1/2), where argmin takes code 0.
        // Majority: code 0 -> factor 0, code 1 -> factor 1; accuracy (1/2 + 1/4) / 1 = 3/4
        double[] r = Scores.factorVae(twoBits(), 2, 4000, 4000, 1000, new SplittableRandom(9));
        assertEquals(0.75, r[1], 0.03);
        assertEquals(2, r[2]);
    }
}
