package dev.vaeforge.trainer.train;

import java.util.Random;

/**
 * The order in which an epoch visits the training images. It depends only on the seed and the epoch
 * number, so a run is reproducible and a resumed run would see the same batches.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** A permutation of 0..n-1 (Fisher-Yates with a generator seeded from seed and epoch). */
    public static int[] shuffle(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    public static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
