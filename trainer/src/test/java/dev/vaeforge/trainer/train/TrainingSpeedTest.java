package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the reference configuration (64x64 gray, batch 64, widths [32, 64, 64], latent 10)
 * on this machine's CPU. Slow: run with -Pslow -Dtest=TrainingSpeedTest.
 */
@Tag("slow")
class TrainingSpeedTest {
    @Test
    void imagesPerSecond() {
        EngineSetup.configure(0);
        Random r = new Random(1);
        int n = 64 * 12;
        float[] px = new float[n * 64 * 64];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat() < 0.2f ? 1f : 0f;
        }
        ArrayDataset data = new ArrayDataset("noise", new ImageShape(1, 64, 64), px, null, null);
        VaeConfig model = new VaeConfig(1, 64, 10, List.of(32, 64, 64), Likelihood.BERNOULLI, 0);
        TrainConfig cfg = TrainConfig.builder(model, "noise").optBatchSize(64).build();
        try (TrainingSession s = new TrainingSession(cfg, Device.cpu())) {
            s.trainEpoch(data, 1, (step, c, m) -> { }); // warm-up: JIT, allocator, Adam state
            long t0 = System.nanoTime();
            LossTotals t = s.trainEpoch(data, 2, (step, c, m) -> { });
            double seconds = (System.nanoTime() - t0) / 1e9;
            double ips = t.images() / seconds;
            System.out.printf(Locale.ROOT, "train: %d images in %.2f s = %.0f images/s (threads %s)%n", t.images(),
                    seconds, ips, System.getProperty(EngineSetup.NUM_THREADS));
            t0 = System.nanoTime();
            LossTotals e = s.evaluate(data);
            seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "eval: %.0f images/s%n", e.images() / seconds);
            assertTrue(ips > 0);
        }
    }
}
