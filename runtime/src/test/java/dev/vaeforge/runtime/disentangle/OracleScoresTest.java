package dev.vaeforge.runtime.disentangle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.data.FactorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * disentanglement_lib's oracle tests on its dummy data (ten factors of ten values, observation = the
 * factors): the factors themselves as the representation score high, a constant one low, and a
 * representation that duplicates a factor has no MIG. Small sample sizes keep it fast.
 */
class OracleScoresTest {
    static final FactorSpec TEN = FactorSpec.ofClasses(names(), new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10});
    static final DisentanglementSettings SMALL = new DisentanglementSettings(3, 16, 300, 200, 300, 1000, 20, true);

    static List<String> names() {
        List<String> n = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            n.add("f" + k);
        }
        return n;
    }

    static GeneratedSampler sampler(int width, Function<int[], double[]> code) {
        return new GeneratedSampler(TEN, f -> {
            double[][] out = new double[f.length][];
            for (int i = 0; i < f.length; i++) {
                out[i] = code.apply(f[i]);
            }
            return out;
        }, width);
    }

    static double[] identity(int[] f) {
        double[] z = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            z[k] = f[k];
        }
        return z;
    }

    @Test
    void groundTruthFactorsScoreHigh() {
        DisentanglementResult r = Disentanglement.run("identity", sampler(10, OracleScoresTest::identity), SMALL,
                (s, d, t, sec) -> { });
        for (String s : List.of("beta_vae.eval_accuracy", "factor_vae.eval_accuracy", "mig", "sap",
                "dci.disentanglement")) {
            assertTrue(r.score(s) >= 0.9, s + " = " + r.score(s) + " of " + r);
        }
        assertTrue(r.score("modularity") >= 0.9, r.toString());
        // explicitness is a macro ROC AUC of a multinomial fit on 300 points with nine noise features
        assertTrue(r.score("explicitness.test") >= 0.85, r.toString());
    }

    @Test
    void constantRepresentationScoresLow() {
        DisentanglementResult r = Disentanglement.run("zeros", sampler(10, f -> new double[10]), SMALL,
                (s, d, t, sec) -> { });
        for (String s : List.of("beta_vae.eval_accuracy", "factor_vae.eval_accuracy", "mig", "sap",
                "dci.disentanglement", "modularity")) {
            assertTrue(r.score(s) <= 0.2, s + " = " + r.score(s) + " of " + r);
        }
    }

    @Test
    void duplicatedFactorHasNoMig() {
        FactorSampler s = sampler(20, f -> {
            double[] z = new double[20];
            for (int k = 0; k < 10; k++) {
                z[k] = f[k];
                z[10 + k] = f[k];
            }
            return z;
        });
        double mig = Scores.mig(s.sample(1000, new java.util.SplittableRandom(1)), 20, null);
        assertTrue(mig <= 0.1, "MIG " + mig);
    }
}
