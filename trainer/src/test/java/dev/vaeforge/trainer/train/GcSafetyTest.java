package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training stays correct while the garbage collector runs. DJL's scalar arithmetic
 * ({@code mul(Number)}, {@code maximum(Number)}, ...) hands autograd a tensor over a direct buffer
 * that GC may free before backward; with such ops on the training path about a quarter of the
 * steps here got NaN gradients (refused by the NaN guard). See {@code nn/Scalars}.
 */
class GcSafetyTest {
    @Test
    void noStepGetsNonFiniteGradientsWhileGcRuns() throws Exception {
        EngineSetup.configure(2);
        ArrayDataset data = new ArrayDataset("shapes", new ImageShape(3, 64, 64),
                Shapes.generate(new ShapesSpec(320, 64, true, 1)).pixels(), null, null);
        VaeConfig m = new VaeConfig(3, 64, 10, List.of(32, 32, 64, 64), Likelihood.BERNOULLI, 0);
        TrainConfig c = TrainConfig.builder(m, "shapes").optBatchSize(64).optSeed(3).build();
        Thread gc = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-stress");
        gc.setDaemon(true);
        gc.start();
        List<String> faults = new ArrayList<>();
        int steps = 0;
        try (TrainingSession s = new TrainingSession(c, Device.cpu())) {
            for (int epoch = 1; epoch <= 4; epoch++) {
                try (BatchLoader l = s.trainBatches(data, epoch, 0)) {
                    int batch = 0;
                    for (BatchLoader.Batch b = l.next(); b != null; b = l.next()) {
                        batch++;
                        steps++;
                        try {
                            s.step(b, epoch, batch, steps);
                        } catch (NumericalFaultException f) {
                            faults.add(f.getMessage());
                        }
                    }
                }
            }
        } finally {
            gc.interrupt();
        }
        assertEquals(20, steps);
        assertEquals(List.of(), faults);
    }
}
