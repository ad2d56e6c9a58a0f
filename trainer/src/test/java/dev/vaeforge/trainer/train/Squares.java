package dev.vaeforge.trainer.train;

import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.util.List;
import java.util.Random;

/** Tiny synthetic data for training tests: white filled squares of random size and place on black, 16x16. */
public final class Squares {
    public static final VaeConfig MODEL = new VaeConfig(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0);

    private Squares() {
    }

    public static ArrayDataset dataset(int n, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n * 256];
        for (int i = 0; i < n; i++) {
            int s = 3 + r.nextInt(6);
            int y0 = r.nextInt(16 - s + 1);
            int x0 = r.nextInt(16 - s + 1);
            for (int y = y0; y < y0 + s; y++) {
                for (int x = x0; x < x0 + s; x++) {
                    px[i * 256 + y * 16 + x] = 1f;
                }
            }
        }
        return new ArrayDataset("squares", new ImageShape(1, 16, 16), px, null, null);
    }

    public static TrainConfig.Builder config() {
        return TrainConfig.builder(MODEL, "squares").optEpochs(2).optBatchSize(16).optLearningRate(3e-3).optSeed(11)
                .optKeepCheckpoints(2).optTestFraction(0.2);
    }
}
