package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The disentanglement scores with disentanglement_lib's definitions (Locatello et al., ICML 2019),
 * each on its own seeded random stream so a score does not depend on which others ran. Sample sizes
 * come from {@link DisentanglementSettings}; the defaults there are disentanglement_lib's.
 */
public final class Scores {
    private Scores() {
    }

    /**
     * BetaVAE score (Higgins et al. 2017): a training point picks a factor k uniformly, draws
     * {@code batch} pairs of points that share factor k, and is the mean |z1 - z2| over the pairs,
     * labelled k; a logistic regression is fitted on {@code train} points and the score is its accuracy
     * on {@code eval} new ones.
     *
     * @return train_accuracy, eval_accuracy
     */
    public static double[] betaVae(FactorSampler s, int batch, int train, int eval, SplittableRandom rng) {
        int[] yTrain = new int[train];
        double[][] xTrain = betaVaePoints(s, batch, yTrain, rng);
        int[] yEval = new int[eval];
        double[][] xEval = betaVaePoints(s, batch, yEval, rng);
        if (distinct(yTrain) < 2) {
            // a single factor: every point has label 0, which a classifier cannot be fitted to but always gets right
            return new double[] {1, 1};
        }
        Classifiers.Trained m = Classifiers.logistic(xTrain, yTrain, rng.nextLong());
        return new double[] {accuracy(m, xTrain, yTrain), accuracy(m, xEval, yEval)};
    }

    private static double[][] betaVaePoints(FactorSampler s, int batch, int[] labels, SplittableRandom rng) {
        int k = s.factors().count();
        double[][] x = new double[labels.length][];
        for (int p = 0; p < labels.length; p++) {
            int f = rng.nextInt(k);
            FactorSampler.Draw a = s.sample(batch, rng);
            FactorSampler.Draw b = s.sampleWithFactor(f, a.factor(f), rng);
            double[] v = new double[s.codeSize()];
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < v.length; j++) {
                    v[j] += Math.abs(a.codes()[i][j] - b.codes()[i][j]) / batch;
                }
            }
            x[p] = v;
            labels[p] = f;
        }
        return x;
    }

    /**
     * FactorVAE score (Kim &amp; Mnih 2018): codes are divided by their standard deviation over
     * {@code varianceEstimate} points; a training point fixes a factor k uniformly at the class of one
     * point, draws {@code batch} points with it, and votes (k, the code with the least variance relative
     * to its global one). A majority-vote classifier from codes to factors is read off {@code train}
     * votes; the score is its accuracy on {@code eval} new votes. Dimensions are active when their global
     * standard deviation is >= 0 (disentanglement_lib's default threshold), so a collapsed code divides
     * 0 by 0 and, as NumPy's argmin does, such a NaN is the minimum.
     *
     * @return train_accuracy, eval_accuracy, active dimensions
     */
    public static double[] factorVae(FactorSampler s, int batch, int train, int eval, int varianceEstimate,
            SplittableRandom rng) {
        double[] global = variance(s.sample(varianceEstimate, rng).codes());
        int d = global.length;
        int active = 0;
        for (double v : global) {
            active += Math.sqrt(v) >= 0 ? 1 : 0;
        }
        if (active == 0) {
            return new double[] {0, 0, 0};
        }
        int k = s.factors().count();
        long[][] trainVotes = factorVaeVotes(s, batch, train, global, rng);
        int[] classifier = new int[d];
        for (int j = 0; j < d; j++) {
            int best = 0;
            for (int f = 1; f < k; f++) {
                if (trainVotes[f][j] > trainVotes[best][j]) {
                    best = f;
                }
            }
            classifier[j] = best;
        }
        long[][] evalVotes = factorVaeVotes(s, batch, eval, global, rng);
        return new double[] {voteAccuracy(trainVotes, classifier), voteAccuracy(evalVotes, classifier), active};
    }

    private static long[][] factorVaeVotes(FactorSampler s, int batch, int points, double[] global, SplittableRandom rng) {
        int k = s.factors().count();
        long[][] votes = new long[k][global.length];
        for (int p = 0; p < points; p++) {
            int f = rng.nextInt(k);
            int fixed = s.sampleClass(f, rng);
            int[] classes = new int[batch];
            Arrays.fill(classes, fixed);
            double[] local = variance(s.sampleWithFactor(f, classes, rng).codes());
            int argmin = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < local.length; j++) {
                double r = local[j] / global[j];
                if (Double.isNaN(r)) {
                    argmin = j;
                    break;
                }
                if (r < best) {
                    best = r;
                    argmin = j;
                }
            }
            votes[f][argmin]++;
        }
        return votes;
    }

    private static double voteAccuracy(long[][] votes, int[] classifier) {
        long right = 0;
        long all = 0;
        for (int j = 0; j < classifier.length; j++) {
            right += votes[classifier[j]][j];
            for (long[] row : votes) {
                all += row[j];
            }
        }
        return all == 0 ? 0 : (double) right / all;
    }

    /**
     * Mutual information gap (Chen et al. 2018): codes discretised into {@code bins} equal-width bins per
     * dimension; for each factor the gap between the largest and second-largest I(code_j; factor),
     * divided by H(factor); the mean over factors.
     *
     * @param mi filled with I(code_j; factor_k) [d][k] when not null
     */
    public static double mig(FactorSampler.Draw points, int bins, double[][] mi) {
        double[][] m = mutualInformation(points, bins);
        if (mi != null) {
            for (int j = 0; j < m.length; j++) {
                System.arraycopy(m[j], 0, mi[j], 0, m[j].length);
            }
        }
        int k = points.factors()[0].length;
        double sum = 0;
        for (int f = 0; f < k; f++) {
            double first = 0;
            double second = 0;
            for (double[] row : m) {
                double v = row[f];
                if (v > first) {
                    second = first;
                    first = v;
                } else if (v > second) {
                    second = v;
                }
            }
            double h = Information.entropy(points.factor(f));
            if (m.length < 2) {
                second = 0;
            }
            sum += (first - second) / h;
        }
        return sum / k;
    }

    /** I(discretised code_j; factor_k) for every code dimension j and factor k, in nats. */
    public static double[][] mutualInformation(FactorSampler.Draw points, int bins) {
        int d = points.codes()[0].length;
        int k = points.factors()[0].length;
        double[][] m = new double[d][k];
        for (int j = 0; j < d; j++) {
            int[] z = Information.discretize(points.code(j), bins);
            for (int f = 0; f < k; f++) {
                m[j][f] = Information.mutualInformation(z, points.factor(f));
            }
        }
        return m;
    }

    /**
     * SAP (Kumar et al. 2018): a score matrix of how well each single code dimension predicts each
     * factor; for discrete factors the test accuracy of a linear SVM on that one dimension (trained on
     * {@code train}, tested on {@code test}); for continuous ones the squared correlation on the train
     * points. SAP is the mean over factors of the gap between the two best dimensions.
     */
    public static double sap(FactorSampler.Draw train, FactorSampler.Draw test, boolean continuous) {
        int d = train.codes()[0].length;
        int k = train.factors()[0].length;
        double[][] score = new double[d][k];
        for (int j = 0; j < d; j++) {
            double[] z = train.code(j);
            for (int f = 0; f < k; f++) {
                int[] y = train.factor(f);
                if (continuous) {
                    score[j][f] = squaredCorrelation(z, y);
                } else if (distinct(y) < 2) {
                    score[j][f] = 1;
                } else {
                    Classifiers.Trained m = Classifiers.linearSvm(column(z), y);
                    score[j][f] = accuracy(m, column(test.code(j)), test.factor(f));
                }
            }
        }
        if (d < 2) {
            return 0;
        }
        double sum = 0;
        for (int f = 0; f < k; f++) {
            double[] col = new double[d];
            for (int j = 0; j < d; j++) {
                col[j] = score[j][f];
            }
            Arrays.sort(col);
            sum += col[d - 1] - col[d - 2];
        }
        return sum / k;
    }

    private static double squaredCorrelation(double[] z, int[] y) {
        int n = z.length;
        double mz = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mz += z[i] / n;
            my += (double) y[i] / n;
        }
        double czy = 0;
        double vz = 0;
        double vy = 0;
        for (int i = 0; i < n; i++) {
            czy += (z[i] - mz) * (y[i] - my);
            vz += (z[i] - mz) * (z[i] - mz);
            vy += (y[i] - my) * (y[i] - my);
        }
        czy /= n - 1;
        vz /= n - 1;
        vy /= n - 1;
        return vz > 1e-12 && vy > 0 ? czy * czy / (vz * vy) : 0;
    }

    /** DCI (Eastwood &amp; Williams 2018) from gradient-boosted trees: disentanglement, completeness, informativeness. */
    public record Dci(double disentanglement, double completeness, double informativenessTrain,
            double informativenessTest, double[][] importance) { }

    /**
     * DCI: one boosted-tree classifier per factor on all code dimensions; importance[j][k] is dimension
     * j's importance for factor k. Disentanglement: 1 - H_K(row j) per dimension, weighted by the row's
     * share of the total importance; completeness: 1 - H_D(column k) per factor, weighted likewise;
     * informativeness: mean test accuracy. Entropies add 1e-11 to every entry, as disentanglement_lib does.
     */
    public static Dci dci(FactorSampler.Draw train, FactorSampler.Draw test, long seed) {
        int d = train.codes()[0].length;
        int k = train.factors()[0].length;
        double[][] imp = new double[d][k];
        double accTrain = 0;
        double accTest = 0;
        for (int f = 0; f < k; f++) {
            int[] y = train.factor(f);
            if (distinct(y) < 2) {
                accTrain += 1;
                accTest += 1;
                continue;
            }
            try (Classifiers.Boosted b = Classifiers.boostedTrees(train.codes(), y, seed + f)) {
                for (int j = 0; j < d; j++) {
                    imp[j][f] = b.importance()[j];
                }
                accTrain += accuracy(b.model(), train.codes(), y);
                accTest += accuracy(b.model(), test.codes(), test.factor(f));
            }
        }
        return new Dci(disentanglement(imp), completeness(imp), accTrain / k, accTest / k, imp);
    }

    /** DCI disentanglement of an importance matrix [codes][factors]. */
    public static double disentanglement(double[][] imp) {
        int d = imp.length;
        int k = imp[0].length;
        double total = 0;
        double[] rows = new double[d];
        for (int j = 0; j < d; j++) {
            for (int f = 0; f < k; f++) {
                rows[j] += imp[j][f];
            }
            total += rows[j];
        }
        double score = 0;
        for (int j = 0; j < d; j++) {
            double[] p = new double[k];
            for (int f = 0; f < k; f++) {
                p[f] = imp[j][f] + 1e-11;
            }
            double per = k < 2 ? 1 : 1 - Information.entropy(p, k);
            double weight = total == 0 ? 1.0 / d : rows[j] / total;
            score += per * weight;
        }
        return score;
    }

    /** DCI completeness of an importance matrix [codes][factors]. */
    public static double completeness(double[][] imp) {
        int d = imp.length;
        int k = imp[0].length;
        double total = 0;
        double[] cols = new double[k];
        for (int f = 0; f < k; f++) {
            for (int j = 0; j < d; j++) {
                cols[f] += imp[j][f];
            }
            total += cols[f];
        }
        double score = 0;
        for (int f = 0; f < k; f++) {
            double[] p = new double[d];
            for (int j = 0; j < d; j++) {
                p[j] = imp[j][f] + 1e-11;
            }
            double per = d < 2 ? 1 : 1 - Information.entropy(p, d);
            double weight = total == 0 ? 1.0 / k : cols[f] / total;
            score += per * weight;
        }
        return score;
    }

    /**
     * Modularity (Ridgeway &amp; Mozer 2018) from the mutual information of discretised codes and factors:
     * per code dimension, 1 - (sum of its squared MIs minus the largest) / (largest x (K - 1)); 0 for a
     * dimension with no information; the mean over dimensions.
     */
    public static double modularity(double[][] mi) {
        int k = mi[0].length;
        double sum = 0;
        for (double[] row : mi) {
            double max = 0;
            double all = 0;
            for (double v : row) {
                max = Math.max(max, v * v);
                all += v * v;
            }
            sum += max == 0 ? 0 : 1 - (all - max) / (max * (k - 1));
        }
        return sum / mi.length;
    }

    /**
     * Explicitness (Ridgeway &amp; Mozer 2018): per factor, a logistic regression from all code dimensions;
     * the macro-averaged one-vs-rest ROC AUC of its class scores; the mean over factors.
     *
     * @return train, test
     * @param seed of the classifiers' SGD
     */
    public static double[] explicitness(FactorSampler.Draw train, FactorSampler.Draw test, long seed) {
        int k = train.factors()[0].length;
        double tr = 0;
        double te = 0;
        for (int f = 0; f < k; f++) {
            int[] y = train.factor(f);
            int classes = classesOf(y, test.factor(f));
            if (distinct(y) < 2) {
                tr += 1;
                te += 1;
                continue;
            }
            Classifiers.Trained m = Classifiers.logistic(train.codes(), y, seed + f);
            tr += macroAuc(m, train.codes(), y, classes);
            te += macroAuc(m, test.codes(), test.factor(f), classes);
        }
        return new double[] {tr / k, te / k};
    }

    private static int classesOf(int[] a, int[] b) {
        int max = 0;
        for (int v : a) {
            max = Math.max(max, v);
        }
        for (int v : b) {
            max = Math.max(max, v);
        }
        return max + 1;
    }

    /** Mean over the classes present (and absent somewhere) in {@code y} of the one-vs-rest ROC AUC. */
    static double macroAuc(Classifiers.Trained m, double[][] x, int[] y, int classes) {
        double[][] s = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            s[i] = m.scores(x[i], classes);
        }
        double sum = 0;
        int used = 0;
        for (int c = 0; c < classes; c++) {
            double[] score = new double[x.length];
            boolean[] pos = new boolean[x.length];
            int p = 0;
            for (int i = 0; i < x.length; i++) {
                score[i] = s[i][c];
                pos[i] = y[i] == c;
                p += pos[i] ? 1 : 0;
            }
            if (p == 0 || p == x.length) {
                continue;
            }
            sum += auc(score, pos);
            used++;
        }
        if (used == 0) {
            throw VaeforgeException.badParameter("explicitness needs a factor with at least two classes among the"
                    + " test points", "num-test");
        }
        return sum / used;
    }

    /** ROC AUC by the rank statistic, ties counted half. */
    static double auc(double[] score, boolean[] positive) {
        int n = score.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (positive[order[t]]) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    private static double accuracy(Classifiers.Trained m, double[][] x, int[] y) {
        int right = 0;
        int[] predicted = m.predictAll(x);
        for (int i = 0; i < x.length; i++) {
            right += predicted[i] == y[i] ? 1 : 0;
        }
        return (double) right / x.length;
    }

    private static double[] variance(double[][] codes) {
        int n = codes.length;
        int d = codes[0].length;
        double[] mean = new double[d];
        for (double[] c : codes) {
            for (int j = 0; j < d; j++) {
                mean[j] += c[j] / n;
            }
        }
        double[] v = new double[d];
        for (double[] c : codes) {
            for (int j = 0; j < d; j++) {
                v[j] += (c[j] - mean[j]) * (c[j] - mean[j]) / (n - 1);
            }
        }
        return v;
    }

    private static double[][] column(double[] z) {
        double[][] x = new double[z.length][1];
        for (int i = 0; i < z.length; i++) {
            x[i][0] = z[i];
        }
        return x;
    }

    private static int distinct(int[] y) {
        return (int) Arrays.stream(y).distinct().count();
    }
}
