package dev.vaeforge.runtime.disentangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;

/**
 * {@link Classifiers.Boosted} frees its native booster when closed, on the closing thread, and leaves
 * nothing to the finalizer: XGBoost 1.6 keeps each booster's prediction cache in a thread-local map keyed
 * by the booster's native address, and a booster's destructor erases only the entry of the thread it runs
 * on, so a booster freed by the finalizer thread leaves a stale entry in the training thread's map for the
 * next booster at that address. CI once failed a first update with "Check failed:
 * !matrix.second.ref.expired()" in {@code OracleScoresTest} while Tribuo's wrapper left boosters and
 * prediction matrices to the finalizer; the race itself could not be provoked on demand.
 */
class BoostedTreesLifetimeTest {
    @Test
    void closingBoostedTreesDisposesTheirBoostersOnThisThread() throws Exception {
        Random r = new Random(1);
        double[][] x = new double[60][3];
        int[] y = new int[60];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 3; j++) {
                x[i][j] = (j == 0 ? y[i] : 0) + 0.1 * r.nextGaussian();
            }
        }
        Classifiers.Boosted b = Classifiers.boostedTrees(x, y, 1);
        assertEquals(y[5], b.model().predict(x[5]));
        Booster inner = b.booster();
        assertEquals(true, handle(inner) != 0);
        b.close();
        assertEquals(0L, handle(inner), "disposed by close(), not left to the finalizer thread");
    }

    @Test
    void fitsInARowEachClosedPredictTheirTrainingData() {
        Random r = new Random(2);
        double[][] x = new double[90][4];
        int[] y = new int[90];
        for (int i = 0; i < x.length; i++) {
            y[i] = 10 + i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (j == 1 ? y[i] : 0) + 0.1 * r.nextGaussian();
            }
        }
        for (int round = 0; round < 20; round++) {
            try (Classifiers.Boosted b = Classifiers.boostedTrees(x, y, round)) {
                int[] p = b.model().predictAll(x);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(y[i], p[i], "round " + round + ", row " + i + ": labels are the classes' own values");
                }
                assertTrue(b.importance()[1] > 0.99, "feature 1 carries the label: " + java.util.Arrays.toString(b.importance()));
            }
            System.gc();
        }
    }

    private static long handle(Booster b) throws ReflectiveOperationException {
        Field f = Booster.class.getDeclaredField("handle");
        f.setAccessible(true);
        return (long) f.get(b);
    }
}
