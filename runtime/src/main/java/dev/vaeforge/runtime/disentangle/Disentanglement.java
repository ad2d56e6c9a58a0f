package dev.vaeforge.runtime.disentangle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs every score on one {@link FactorSampler}. Each score has its own random stream derived from the
 * seed, so it is reproducible on its own and independent of the others. Progress goes to a listener
 * as (score name, scores done, scores in all).
 */
public final class Disentanglement {
    /** Progress: {@code done} of {@code total} scores finished, {@code current} the one now running. */
    @FunctionalInterface
    public interface Listener {
        void onScore(String current, int done, int total, double seconds);
    }

    private static final String[] STAGES = {"beta_vae", "factor_vae", "mig", "sap", "dci", "modularity"};

    private Disentanglement() {
    }

    public static DisentanglementResult run(String source, FactorSampler sampler, DisentanglementSettings s,
            Listener listener) {
        long start = System.nanoTime();
        Counting counted = new Counting(sampler);
        Map<String, Double> scores = new LinkedHashMap<>();
        int d = sampler.codeSize();
        int k = sampler.factors().count();
        double[][] mi = new double[d][k];
        double[][] importance = null;
        for (int stage = 0; stage < STAGES.length; stage++) {
            listener.onScore(STAGES[stage], stage, STAGES.length, (System.nanoTime() - start) / 1e9);
            SplittableRandom rng = new SplittableRandom(s.seed() * 1_000_003L + stage);
            counted.restart(rng);
            switch (STAGES[stage]) {
                case "beta_vae" -> {
                    double[] r = Scores.betaVae(counted, s.batch(), s.numTrain(), s.numEval(), rng);
                    scores.put("beta_vae.train_accuracy", r[0]);
                    scores.put("beta_vae.eval_accuracy", r[1]);
                }
                case "factor_vae" -> {
                    double[] r = Scores.factorVae(counted, s.batch(), s.numTrain(), s.numEval(), s.numVariance(), rng);
                    scores.put("factor_vae.train_accuracy", r[0]);
                    scores.put("factor_vae.eval_accuracy", r[1]);
                    scores.put("factor_vae.num_active_dims", r[2]);
                }
                case "mig" -> scores.put("mig", Scores.mig(counted.sample(s.migPoints(), rng), s.bins(), mi));
                case "sap" -> {
                    FactorSampler.Draw train = counted.sample(s.numTrain(), rng);
                    scores.put("sap", Scores.sap(train, counted.sample(s.numEval(), rng), s.sapContinuous()));
                }
                case "dci" -> {
                    FactorSampler.Draw train = counted.sample(s.numTrain(), rng);
                    Scores.Dci r = Scores.dci(train, counted.sample(s.numEval(), rng), s.seed());
                    scores.put("dci.disentanglement", r.disentanglement());
                    scores.put("dci.completeness", r.completeness());
                    scores.put("dci.informativeness_train", r.informativenessTrain());
                    scores.put("dci.informativeness_test", r.informativenessTest());
                    importance = r.importance();
                }
                case "modularity" -> {
                    FactorSampler.Draw train = counted.sample(s.numTrain(), rng);
                    FactorSampler.Draw test = counted.sample(s.numEval(), rng);
                    scores.put("modularity", Scores.modularity(Scores.mutualInformation(train, s.bins())));
                    double[] e = Scores.explicitness(train, test, s.seed());
                    scores.put("explicitness.train", e[0]);
                    scores.put("explicitness.test", e[1]);
                }
                default -> throw new IllegalStateException(STAGES[stage]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        listener.onScore("done", STAGES.length, STAGES.length, seconds);
        return new DisentanglementResult(source, sampler.factors(), d, s, scores, mi, importance, counted.points,
                seconds);
    }

    /** Counts the points drawn, for the cost in points per second. */
    private static final class Counting implements FactorSampler {
        private final FactorSampler inner;
        private long points;

        Counting(FactorSampler inner) {
            this.inner = inner;
        }

        @Override
        public dev.vaeforge.runtime.data.FactorSpec factors() {
            return inner.factors();
        }

        @Override
        public int codeSize() {
            return inner.codeSize();
        }

        @Override
        public Draw sample(int n, SplittableRandom rng) {
            points += n;
            return inner.sample(n, rng);
        }

        @Override
        public void restart(SplittableRandom rng) {
            inner.restart(rng);
        }

        @Override
        public int sampleClass(int k, SplittableRandom rng) {
            return inner.sampleClass(k, rng);
        }

        @Override
        public Draw sampleWithFactor(int k, int[] classes, SplittableRandom rng) {
            points += classes.length;
            return inner.sampleWithFactor(k, classes, rng);
        }
    }
}
