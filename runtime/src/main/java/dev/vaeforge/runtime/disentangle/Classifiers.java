package dev.vaeforge.runtime.disentangle;

import java.util.HashMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
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
 *   <li>{@link #boostedTrees}: gradient-boosted trees, 100 trees of depth 3, learning rate 0.1 (XGBoost,
 *       called directly; scikit-learn's {@code GradientBoostingClassifier} defaults), with feature importance
 *       = total gain.</li>
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

        /** {@link #predict} of every row. */
        default int[] predictAll(double[][] x) {
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = predict(x[i]);
            }
            return out;
        }

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

    /**
     * Trained trees and each feature's importance (total gain, normalised to sum 1; all 0 when no split was
     * made). Holds a native booster: close it, on the thread that trained it. XGBoost 1.6 keeps each
     * booster's prediction cache in a thread-local map keyed by the booster's native address and a booster's
     * destructor erases only the entry of the thread it runs on; a booster left to the JVM is freed on the
     * finalizer thread, its entry stays behind in the training thread's map, and a later booster allocated
     * at the same address inherits it and can fail its first update ("Check failed:
     * !matrix.second.ref.expired()"; {@code BoostedTreesLifetimeTest}). So the trees are trained and used
     * through xgboost4j directly, every matrix and booster freed explicitly, not through Tribuo's wrapper,
     * whose boosters only the finalizer frees.
     */
    static final class Boosted implements Trained, AutoCloseable {
        private final Booster booster;
        private final int[] classes;
        private final double[] importance;

        private Boosted(Booster booster, int[] classes, double[] importance) {
            this.booster = booster;
            this.classes = classes;
            this.importance = importance;
        }

        Trained model() {
            return this;
        }

        double[] importance() {
            return importance;
        }

        @Override
        public int predict(double[] x) {
            return predictAll(new double[][] {x})[0];
        }

        @Override
        public int[] predictAll(double[][] x) {
            float[][] p = probabilities(x);
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                int best = 0;
                for (int c = 1; c < classes.length; c++) {
                    best = p[i][c] > p[i][best] ? c : best;
                }
                out[i] = classes[best];
            }
            return out;
        }

        @Override
        public double[] scores(double[] x, int classCount) {
            float[] p = probabilities(new double[][] {x})[0];
            double[] s = new double[classCount];
            for (int c = 0; c < classes.length; c++) {
                if (classes[c] >= 0 && classes[c] < classCount) {
                    s[classes[c]] = p[c];
                }
            }
            return s;
        }

        private float[][] probabilities(double[][] x) {
            DMatrix m = null;
            try {
                m = matrix(x);
                return booster.predict(m);
            } catch (XGBoostError e) {
                throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
            } finally {
                if (m != null) {
                    m.dispose();
                }
            }
        }

        /** Frees the native booster; must run on the thread that trained it (see the class comment). */
        @Override
        public void close() {
            booster.dispose();
        }

        /** The booster, for tests of its lifetime. */
        Booster booster() {
            return booster;
        }
    }

    /**
     * 100 trees of depth 3, learning rate 0.1, multi-class soft-max (XGBoost's {@code multi:softprob}), one
     * thread, seeded; the parameters Tribuo's {@code XGBoostClassificationTrainer(100, 0.1, 0, 3, 1, 1, 1, 1,
     * 0, 1, true, seed)} set, which this used before.
     */
    static Boosted boostedTrees(double[][] x, int[] y, long seed) {
        int[] classes = java.util.Arrays.stream(y).distinct().sorted().toArray();
        float[] labels = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = java.util.Arrays.binarySearch(classes, y[i]);
        }
        Map<String, Object> p = new HashMap<>();
        p.put("objective", "multi:softprob");
        p.put("num_class", classes.length);
        p.put("booster", "gbtree");
        p.put("eta", 0.1);
        p.put("gamma", 0.0);
        p.put("max_depth", 3);
        p.put("min_child_weight", 1.0);
        p.put("subsample", 1.0);
        p.put("colsample_bytree", 1.0);
        p.put("lambda", 1.0);
        p.put("alpha", 0.0);
        p.put("nthread", 1);
        p.put("seed", seed);
        p.put("verbosity", 0);
        DMatrix train = null;
        Booster booster = null;
        try {
            train = matrix(x);
            train.setLabel(labels);
            booster = XGBoost.train(train, p, 100, Map.of(), null, null);
            String[] names = names(x[0].length);
            Map<String, Double> gain = booster.getScore(names, "total_gain");
            double[] imp = new double[names.length];
            double sum = 0;
            for (int j = 0; j < names.length; j++) {
                imp[j] = Math.abs(gain.getOrDefault(names[j], 0.0));
                sum += imp[j];
            }
            for (int j = 0; j < names.length && sum > 0; j++) {
                imp[j] /= sum;
            }
            Boosted b = new Boosted(booster, classes, imp);
            booster = null;
            return b;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost training failed: " + e.getMessage(), e);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            if (train != null) {
                train.dispose();
            }
        }
    }

    /** Rows as a dense matrix; every value present (NaN would be XGBoost's "missing"). */
    private static DMatrix matrix(double[][] x) throws XGBoostError {
        int d = x[0].length;
        float[] data = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                data[i * d + j] = (float) x[i][j];
            }
        }
        return new DMatrix(data, x.length, d, Float.NaN);
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
