package dev.vaeforge.runtime.disentangle;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The classifiers of the scores, from Tribuo (decision 0016), chosen to be as close as Tribuo allows to
 * the scikit-learn models disentanglement_lib uses:
 * <ul>
 *   <li>{@link #logistic}: multinomial logistic regression (softmax, as scikit-learn's default
 *       {@code LogisticRegression}), fitted by Tribuo's SGD with AdaGrad for 10 epochs on standardised
 *       features, without scikit-learn's mild L2 penalty (C = 1); one-vs-rest fits, e.g. liblinear's, cannot
 *       rank the middle classes of an ordinal factor from one feature, which explicitness needs;</li>
 *   <li>{@link #linearSvm}: L2-regularised squared-hinge linear SVM with C = 0.01 and balanced class
 *       weights (liblinear, exactly what scikit-learn's {@code LinearSVC(C=0.01, class_weight="balanced")} calls);</li>
 *   <li>{@link #boostedTrees}: gradient-boosted trees, 100 trees of depth 3, learning rate 0.1 (XGBoost;
 *       scikit-learn's {@code GradientBoostingClassifier} defaults), with feature importance = total gain.</li>
 * </ul>
 * Features are named z00, z01, ... and labels are the class numbers.
 */
final class Classifiers {
    private static final LabelFactory LABELS = new LabelFactory();
    /** Tribuo logs every fit at INFO; the scores fit hundreds. Held here so the setting is not collected. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** A trained classifier: predicted class and, where it has them, class scores. */
    interface Trained {
        int predict(double[] x);

        /** Probability-like score of every class 0..classes-1 (the columns of a ROC curve). */
        double[] scores(double[] x, int classes);
    }

    private Classifiers() {
    }

    static Trained logistic(double[][] x, int[] y, long seed) {
        Standardizer st = new Standardizer(x);
        LinearSGDTrainer t = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), 10, Integer.MAX_VALUE, 1, seed);
        Trained m = wrap(t.train(data(st.apply(x), y)), x);
        return new Trained() {
            @Override
            public int predict(double[] v) {
                return m.predict(st.apply(v));
            }

            @Override
            public double[] scores(double[] v, int classes) {
                return m.scores(st.apply(v), classes);
            }
        };
    }

    /** Subtracts each feature's train mean and divides by its standard deviation (1 where it is 0). */
    private static final class Standardizer {
        private final double[] mean;
        private final double[] scale;

        Standardizer(double[][] x) {
            int d = x[0].length;
            mean = new double[d];
            scale = new double[d];
            for (double[] r : x) {
                for (int j = 0; j < d; j++) {
                    mean[j] += r[j] / x.length;
                }
            }
            for (double[] r : x) {
                for (int j = 0; j < d; j++) {
                    scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / x.length;
                }
            }
            for (int j = 0; j < d; j++) {
                scale[j] = scale[j] > 0 ? Math.sqrt(scale[j]) : 1;
            }
        }

        double[] apply(double[] r) {
            double[] o = new double[r.length];
            for (int j = 0; j < r.length; j++) {
                o[j] = (r[j] - mean[j]) / scale[j];
            }
            return o;
        }

        double[][] apply(double[][] x) {
            double[][] o = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                o[i] = apply(x[i]);
            }
            return o;
        }
    }

    static Trained linearSvm(double[][] x, int[] y) {
        LibLinearClassificationTrainer t = new LibLinearClassificationTrainer(
                new LinearClassificationType(LinearClassificationType.LinearType.L2R_L2LOSS_SVC_DUAL), 0.01, 1000, 0.1);
        t.setLabelWeights(balancedWeights(y));
        return wrap(t.train(data(x, y)), x);
    }

    /** Trained trees and each feature's importance (total gain, normalised to sum 1; all 0 when no split was made). */
    record Boosted(Trained model, double[] importance) { }

    static Boosted boostedTrees(double[][] x, int[] y, long seed) {
        XGBoostClassificationTrainer t = new XGBoostClassificationTrainer(100, 0.1, 0, 3, 1, 1, 1, 1, 0, 1, true, seed);
        XGBoostModel<Label> m = t.train(data(x, y));
        Map<String, Double> gain = m.getFeatureImportance().get(0).getTotalGain();
        int d = x[0].length;
        double[] imp = new double[d];
        double sum = 0;
        for (int j = 0; j < d; j++) {
            imp[j] = Math.abs(gain.getOrDefault(name(j), 0.0));
            sum += imp[j];
        }
        for (int j = 0; j < d && sum > 0; j++) {
            imp[j] /= sum;
        }
        return new Boosted(wrap(m, x), imp);
    }

    private static Map<Label, Float> balancedWeights(int[] y) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int v : y) {
            counts.merge(v, 1, Integer::sum);
        }
        Map<Label, Float> w = new LinkedHashMap<>();
        counts.forEach((c, n) -> w.put(new Label(Integer.toString(c)), (float) y.length / (counts.size() * n)));
        return w;
    }

    private static Trained wrap(Model<Label> model, double[][] like) {
        String[] names = names(like[0].length);
        return new Trained() {
            @Override
            public int predict(double[] x) {
                return Integer.parseInt(model.predict(example(names, x, null)).getOutput().getLabel());
            }

            @Override
            public double[] scores(double[] x, int classes) {
                Prediction<Label> p = model.predict(example(names, x, null));
                double[] s = new double[classes];
                for (Map.Entry<String, Label> e : p.getOutputScores().entrySet()) {
                    int c = Integer.parseInt(e.getKey());
                    if (c < classes) {
                        s[c] = e.getValue().getScore();
                    }
                }
                return s;
            }
        };
    }

    private static MutableDataset<Label> data(double[][] x, int[] y) {
        String[] names = names(x[0].length);
        List<Example<Label>> list = new java.util.ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            list.add(example(names, x[i], new Label(Integer.toString(y[i]))));
        }
        SimpleDataSourceProvenance p = new SimpleDataSourceProvenance("vaeforge disentanglement points", LABELS);
        return new MutableDataset<>(new ListDataSource<>(list, LABELS, p));
    }

    private static Example<Label> example(String[] names, double[] x, Label label) {
        double[] v = x.clone();
        return label == null ? new ArrayExample<>(LABELS.getUnknownOutput(), names, v) : new ArrayExample<>(label, names, v);
    }

    private static String[] names(int d) {
        String[] n = new String[d];
        for (int j = 0; j < d; j++) {
            n[j] = name(j);
        }
        return n;
    }

    private static String name(int j) {
        return String.format(java.util.Locale.ROOT, "z%03d", j);
    }
}
