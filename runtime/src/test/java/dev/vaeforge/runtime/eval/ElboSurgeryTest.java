package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.model.StandardNormalPrior;
import dev.vaeforge.runtime.ops.Posterior;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElboSurgeryTest {
    private static final int D = 6;

    /** n posteriors with means and log-variances from {@code gen(i, d)}. */
    private static Posterior posteriors(int n, java.util.function.BiFunction<Integer, Integer, double[]> gen) {
        float[] mu = new float[n * D];
        float[] lv = new float[n * D];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < D; d++) {
                double[] v = gen.apply(i, d);
                mu[i * D + d] = (float) v[0];
                lv[i * D + d] = (float) v[1];
            }
        }
        return new Posterior(mu, lv, n, D);
    }

    private static EvaluationResult.Surgery run(Posterior p, int capacity, int batch) {
        ElboSurgery s = new ElboSurgery(capacity, 7);
        for (int from = 0; from < p.n(); from += batch) {
            int b = Math.min(batch, p.n() - from);
            float[] mu = new float[b * D];
            float[] lv = new float[b * D];
            System.arraycopy(p.mu(), from * D, mu, 0, b * D);
            System.arraycopy(p.logvar(), from * D, lv, 0, b * D);
            s.add(new Posterior(mu, lv, b, D), from);
        }
        return s.result(new StandardNormalPrior(D));
    }

    @Test
    void identicalPosteriorsCarryNoInformation() {
        // every q(z|x_i) = N(m, s^2): q(z) equals each of them, so I = 0 exactly and marginal KL = the KL
        EvaluationResult.Surgery s = run(posteriors(300, (i, d) -> new double[] {0.3 * d - 0.5, -0.4 - 0.1 * d}),
                1000, 64);
        assertEquals(0.0, s.mutualInformation().value(), 1e-9);
        assertEquals(0.0, s.mutualInformation().standardError(), 1e-9);
        assertEquals(s.klClosedForm(), s.marginalKl().value(), 4 * s.marginalKl().standardError());
    }

    @Test
    void wellSeparatedPosteriorsCarryLogKNats() {
        // 128 posteriors with distinct means far apart and tiny variances: z identifies its image, I = log K
        int n = 128;
        EvaluationResult.Surgery s = run(posteriors(n, (i, d) -> new double[] {d == 0 ? 40.0 * i / n - 20 : 0.1 * d, -12}),
                n, 50);
        assertEquals(Math.log(n), s.mutualInformation().value(), 1e-6);
        assertEquals(Math.log(n), s.miUpperBound(), 1e-12);
    }

    @Test
    void meanKlSplitsIntoMiAndMarginalKlWithinTheStandardError() {
        Random r = new Random(3);
        double[][] mu = new double[800][D];
        double[][] lv = new double[800][D];
        for (int i = 0; i < 800; i++) {
            for (int d = 0; d < D; d++) {
                mu[i][d] = r.nextGaussian() * (d + 1) * 0.4;
                lv[i][d] = -1.5 + r.nextDouble();
            }
        }
        EvaluationResult.Surgery s = run(posteriors(800, (i, d) -> new double[] {mu[i][d], lv[i][d]}), 800, 100);
        assertNotNull(s.klClosedForm());
        double sum = s.mutualInformation().value() + s.marginalKl().value();
        assertEquals(s.klMonteCarlo().value(), sum, 1e-9, "exact against the Monte-Carlo KL of the same draws");
        assertEquals(s.klClosedForm(), sum, 4 * s.klMonteCarlo().standardError(), "within the estimator's error");
        assertTrue(s.mutualInformation().value() > 0.5 && s.mutualInformation().value() < s.miUpperBound());
        assertTrue(s.marginalKl().value() > 0);
    }

    @Test
    void theSubsampleIsTheSameWhateverTheBatchesAndCapacityIsHonoured() {
        Random r = new Random(5);
        double[][] mu = new double[500][D];
        for (double[] row : mu) {
            for (int d = 0; d < D; d++) {
                row[d] = r.nextGaussian();
            }
        }
        Posterior p = posteriors(500, (i, d) -> new double[] {mu[i][d], -1});
        EvaluationResult.Surgery a = run(p, 120, 7);
        EvaluationResult.Surgery b = run(p, 120, 500);
        assertEquals(120, a.images());
        assertEquals(500, a.ofImages());
        assertEquals(a, b);
    }

    @Test
    void onePosteriorIsNoAggregate() {
        assertNull(run(posteriors(1, (i, d) -> new double[] {0, 0}), 10, 1));
    }
}
