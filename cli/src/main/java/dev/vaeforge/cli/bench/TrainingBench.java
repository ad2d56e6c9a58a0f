package dev.vaeforge.cli.bench;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.train.BatchLoader;
import dev.vaeforge.trainer.train.NumericalFaultException;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The trainer's figure: warm training steps of the DJL trainer on one in-memory batch of shapes images
 * (phase "train"), then a freshly initialised model of the same config exported as the bundle the runtime
 * measurements run (phase "export").
 */
public final class TrainingBench {
    /**
     * @param imagesPerSecond NaN when a step was refused
     * @param fault the step guard's message when it refused a step, else null
     */
    public record Result(double imagesPerSecond, float finalLoss, String fault) {
    }

    private final BenchSettings settings;
    private final ai.djl.Device device;
    private final MemorySampler memory;

    public TrainingBench(BenchSettings settings, ai.djl.Device device, MemorySampler memory) {
        this.settings = settings;
        this.device = device;
        this.memory = memory;
    }

    /** Times the training steps, then writes the bundle to {@code bundle}. */
    public Result run(Path bundle) throws IOException {
        memory.beginPhase();
        VaeConfig model = settings.model();
        TrainConfig tc = TrainConfig.builder(model, "bench:shapes").optBatchSize(settings.batchSize()).optSeed(42)
                .optThreads(settings.threads()).optDevice(settings.device()).build();
        Result result;
        float[] x = shapesBatch(settings.batchSize());
        try (TrainingSession s = new TrainingSession(tc, device)) {
            BatchLoader.Batch batch = new BatchLoader.Batch(x, settings.batchSize());
            int k = 0;
            for (int i = 0; i < settings.warmup(); i++) {
                k++;
                s.step(batch, 1, k, k);
            }
            long t0 = System.nanoTime();
            float[] m = null;
            for (int i = 0; i < settings.steps(); i++) {
                k++;
                m = s.step(batch, 1, k, k);
            }
            double el = (System.nanoTime() - t0) / 1e9;
            result = new Result((double) settings.batchSize() * settings.steps() / el, m[0], null);
        } catch (NumericalFaultException e) {
            // the step guard refused a step: report it rather than a throughput of refused steps
            result = new Result(Double.NaN, Float.NaN, e.getMessage());
        }
        memory.endPhase("train");
        try (TrainingSession s = new TrainingSession(tc, device)) {
            memory.beginPhase();
            Manifest.Provenance p = new Manifest.Provenance(Map.of(), "bench:shapes", "0", 0, 0L,
                    Map.of(), 42, Map.of(), System.getProperty("java.version"), System.getProperty("os.name"),
                    System.getProperty("os.arch"), null);
            Exporter.export(model, s.model().getBlock(), p, bundle, Exporter.Options.defaults());
            memory.endPhase("export");
        }
        return result;
    }

    /** One batch of the built-in shapes dataset at the bench's size, generated in memory (no disk I/O). */
    private float[] shapesBatch(int n) throws IOException {
        ImageDataset d = DatasetResolver.open("shapes:n=" + n + ",size=" + settings.imageSize()
                + (settings.channels() == 3 ? ",rgb" : "") + ",seed=" + 5, DatasetOptions.defaults());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return d.batch(idx, 0, n);
    }
}
