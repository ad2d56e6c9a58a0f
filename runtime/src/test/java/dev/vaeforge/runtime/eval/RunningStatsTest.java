package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunningStatsTest {
    @Test
    void meanAndPopulationStdMatchTheDirectFormula() {
        RunningStats s = new RunningStats();
        double[] v = {1e6 + 1, 1e6 + 2, 1e6 + 4, 1e6 + 7};
        for (double x : v) {
            s.add(x);
        }
        RunningStats.Summary r = s.summary();
        assertEquals(1e6 + 3.5, r.mean(), 1e-9);
        assertEquals(Math.sqrt((6.25 + 2.25 + 0.25 + 12.25) / 4), r.std(), 1e-9);
        assertEquals(1e6 + 1, r.min());
        assertEquals(1e6 + 7, r.max());
    }

    @Test
    void infiniteValuesAreCountedNotAveraged() {
        RunningStats s = new RunningStats();
        s.add(20);
        s.add(Double.POSITIVE_INFINITY);
        s.add(30);
        RunningStats.Summary r = s.summary();
        assertEquals(25, r.mean());
        assertEquals(3, r.count());
        assertEquals(1, r.infinite());
        assertEquals(Double.POSITIVE_INFINITY, r.max());
    }

    @Test
    void logLikelihoodsOnHandComputedCases() {
        float[] x = {1f, 0f, 0.5f};
        float[] p = {0.8f, 0.1f, 0.5f};
        double expected = Math.log(0.8) + Math.log(0.9) + 0.5 * Math.log(0.5) + 0.5 * Math.log(0.5);
        assertEquals(expected, LogLikelihood.bernoulli(x, p, 0, 3), 1e-7);
        float[] mu = {0.5f, 0.5f, 0.5f};
        double sigma = 0.1;
        double g = -(0.25 + 0.25 + 0) / (2 * sigma * sigma) - 1.5 * Math.log(2 * Math.PI * sigma * sigma);
        assertEquals(g, LogLikelihood.gaussian(x, mu, 0, 3, sigma), 1e-9);
    }
}
