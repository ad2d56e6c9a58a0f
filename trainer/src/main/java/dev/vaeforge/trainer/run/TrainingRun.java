package dev.vaeforge.trainer.run;

import ai.djl.Device;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.Families;
import dev.vaeforge.trainer.train.LossTotals;
import dev.vaeforge.trainer.train.StepProgress;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import dev.vaeforge.trainer.train.TrainingPlan;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The training entry point: validates the inputs, writes the run directory, trains for the
 * configured epochs, and after each epoch evaluates on the held-out split, logs the metrics and writes
 * a checkpoint. An exception leaves a consistent run directory (config, metrics and checkpoints of the
 * finished epochs, no summary.json) that {@link RunDirectory} can still open.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    /**
     * Trains on {@code dataset}, holding out a seeded {@code config.testFraction()} of it for testing.
     *
     * @param runDir the run directory to create
     * @param overwrite replace a run already in {@code runDir}
     */
    public static TrainingSummary run(TrainConfig config, ImageDataset dataset, Path runDir, boolean overwrite,
                                      TrainListener... listeners) throws IOException {
        if (dataset.size() < 2) {
            throw new IllegalArgumentException("dataset " + dataset.description() + " has " + dataset.size()
                    + " image(s); training needs at least 2 (one to train on, one to test)");
        }
        int test = (int) Math.max(1, Math.round(dataset.size() * config.testFraction()));
        Subset[] split = Subset.split(dataset, test, config.seed());
        return run(config, DatasetInfo.of(config.dataset(), dataset, split[0], split[1]), split[0], split[1], runDir,
                overwrite, listeners);
    }

    /** Trains on {@code train} and tests on {@code test}, for datasets with their own split (CelebA). */
    public static TrainingSummary run(TrainConfig config, DatasetInfo datasetInfo, ImageDataset train,
                                      ImageDataset test, Path runDir, boolean overwrite, TrainListener... listeners)
            throws IOException {
        EngineSetup.configure(config.threads());
        long started = System.nanoTime();
        String startedAt = Instant.now().toString();
        checkData(config, train, test);
        Device device = EngineSetup.device(config.deviceSpec());
        RunWriter writer = RunWriter.create(runDir, RunInfo.create(config, datasetInfo), overwrite);
        List<TrainListener> ls = List.of(listeners);
        try (TrainingSession session = new TrainingSession(config, device)) {
            int steps = session.stepsPerEpoch(train.size());
            TrainingPlan plan = new TrainingPlan(config.epochs(), steps, config.batchSize(), train.size(), test.size(),
                    config.device(), runDir.toString());
            ls.forEach(l -> l.onStart(plan));
            long trainStart = System.nanoTime();
            long globalStep = 0;
            double imageSeconds = 0;
            long images = 0;
            EpochMetrics last = null;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                StepReporter reporter = new StepReporter(ls, plan, epoch, globalStep, t0, trainStart);
                LossTotals tr = session.trainEpoch(train, epoch, reporter);
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                LossTotals te = session.evaluate(test);
                globalStep += tr.steps();
                imageSeconds += trainSeconds;
                images += tr.images();
                last = new EpochMetrics(epoch, globalStep, tr.meanTotal(), tr.meanRecon(), tr.meanKl(), te.meanTotal(),
                        te.meanRecon(), te.meanKl(), tr.images() / trainSeconds, (System.nanoTime() - t0) / 1e9)
                        .with(tr.schedule(), te.meanKlPerDim());
                writer.appendMetrics(last);
                EpochMetrics m = last;
                ls.forEach(l -> l.onEpoch(m));
                Checkpoint cp = writer.checkpoints().save(session.model(), last);
                int e = epoch;
                ls.forEach(l -> l.onCheckpoint(e, cp.directory()));
            }
            List<Checkpoint> kept = CheckpointStore.list(runDir);
            Checkpoint best = CheckpointStore.best(kept).orElse(kept.get(kept.size() - 1));
            TrainingSummary summary = new TrainingSummary(RunLayout.FORMAT_VERSION, config.epochs(), globalStep, last,
                    best.epoch(), best.metrics().testLoss(), kept.get(kept.size() - 1).relativeName(),
                    best.relativeName(), (System.nanoTime() - started) / 1e9, images / imageSeconds, startedAt,
                    Instant.now().toString());
            writer.writeSummary(summary);
            ls.forEach(l -> l.onEnd(summary));
            return summary;
        }
    }

    private static void checkData(TrainConfig config, ImageDataset train, ImageDataset test) {
        var expected = config.model().imageShape();
        for (ImageDataset d : new ImageDataset[] {train, test}) {
            if (!d.shape().equals(expected)) {
                throw new IllegalArgumentException("dataset " + d.description() + " has " + d.shape()
                        + " images but the model expects " + expected);
            }
        }
        if (train.size() < config.batchSize()) {
            throw new IllegalArgumentException("the training split has " + train.size() + " images, fewer than one"
                    + " batch of " + config.batchSize() + "; use a smaller batch size or more data");
        }
        if (test.size() < 1) {
            throw new IllegalArgumentException("the test split is empty; the run needs it for its test loss");
        }
        // a conditional model needs every image's condition; refuse before the run directory exists
        Families.conditions(config.model(), train);
        Families.conditions(config.model(), test);
    }

    /** Turns the session's per-step callback into {@link StepProgress} for the listeners. */
    private static final class StepReporter implements TrainingSession.StepCallback {
        private final List<TrainListener> listeners;
        private final TrainingPlan plan;
        private final int epoch;
        private final long stepsBefore;
        private final long epochStart;
        private final long trainStart;
        private double lossSum;
        private long images;

        StepReporter(List<TrainListener> listeners, TrainingPlan plan, int epoch, long stepsBefore, long epochStart,
                     long trainStart) {
            this.listeners = listeners;
            this.plan = plan;
            this.epoch = epoch;
            this.stepsBefore = stepsBefore;
            this.epochStart = epochStart;
            this.trainStart = trainStart;
        }

        @Override
        public void onStep(int step, int count, float[] batchMeans) {
            if (listeners.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            lossSum += (double) batchMeans[0] * count;
            images += count;
            long global = stepsBefore + step;
            double elapsed = (now - trainStart) / 1e9;
            double epochSeconds = (now - epochStart) / 1e9;
            double eta = elapsed / global * (plan.totalSteps() - global);
            StepProgress p = new StepProgress(epoch, plan.epochs(), step, plan.stepsPerEpoch(), global,
                    plan.totalSteps(), batchMeans[0], lossSum / images, images / epochSeconds, elapsed, eta);
            listeners.forEach(l -> l.onStep(p));
        }
    }
}
