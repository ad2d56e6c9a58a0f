package dev.vaeforge.trainer.run;

import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.train.BatchLoader;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.train.LossTotals;
import dev.vaeforge.trainer.train.NanPolicy;
import dev.vaeforge.trainer.train.NumericalFaultException;
import dev.vaeforge.trainer.train.ResumableAdam;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.train.StepFault;
import dev.vaeforge.trainer.train.StepProgress;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import dev.vaeforge.trainer.train.TrainingPlan;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;

/**
 * The epochs of a run, from a {@link TrainingState} (fresh or resumed) to the summary: guarded
 * steps, checkpoints at epoch ends and every {@code checkpointEvery} batches, the test evaluation
 * and metrics after each epoch, and the NaN policy. Everything that decides the result lives in
 * the fields below, and every checkpoint saves all of them, so continuing from a checkpoint in a
 * new process gives what continuing in this one would have given.
 */
final class TrainingLoop {
    /** The last checkpoint written (or the start), kept in memory for NaN rollback. */
    private record Good(SessionSnapshot snapshot, TrainingState state, String name) {
    }

    private final TrainConfig config;
    private final TrainingSession session;
    private final RunWriter writer;
    private final ImageDataset train;
    private final ImageDataset test;
    private final List<TrainListener> listeners;
    private final int stepsPerEpoch;
    private final long processStart = System.nanoTime();
    private final String startedAt;
    private final double activeBefore;

    private int completedEpochs;
    private int batchesDone;
    private long globalStep;
    private LossTotals totals;
    private double epochTrainSeconds;
    private List<EpochMetrics> metrics;
    private double trainSecondsDone;
    private long trainImagesDone;
    private int retriesUsed;
    private final List<TrainingState.FaultEvent> events = new ArrayList<>();
    private Good lastGood;
    private long stepsThisProcess;

    /**
     * @param start where to begin; the session must already hold the matching weights and optimiser state
     * @param startName how to call the start in messages ("the initial weights", a checkpoint name)
     */
    TrainingLoop(TrainConfig config, TrainingSession session, RunWriter writer, ImageDataset train, ImageDataset test,
                 List<TrainListener> listeners, TrainingState start, String startName) {
        this.config = config;
        this.session = session;
        this.writer = writer;
        this.train = train;
        this.test = test;
        this.listeners = listeners;
        this.stepsPerEpoch = session.stepsPerEpoch(train.size());
        this.startedAt = start.clock().startedAt();
        this.activeBefore = start.clock().activeSeconds();
        load(start);
        retriesUsed = start.faults().retriesUsed();
        events.addAll(start.faults().events());
        lastGood = new Good(session.snapshot(), start, startName);
    }

    /** The state of a run that has not taken a step yet. */
    static TrainingState initial(TrainConfig config, ImageDataset train, SessionSnapshot snapshot, String startedAt) {
        return new TrainingState(new TrainingState.Position(0, 0, 0, config.seed(), config.batchSize(), train.size(),
                train.fingerprint()), new TrainingState.Noise(TrainingState.Noise.PER_BATCH, config.seed()),
                optimizerInfo(snapshot.optimizer()), LossTotals.Snapshot.EMPTY, 0, List.of(), TrainingState.Faults.NONE,
                snapshot.family(), new TrainingState.Clock(startedAt, 0, 0, 0));
    }

    private static TrainingState.Optimizer optimizerInfo(ResumableAdam.State s) {
        return new TrainingState.Optimizer("adam", s.learningRate(), ResumableAdam.BETA1, ResumableAdam.BETA2,
                ResumableAdam.EPSILON, s.numUpdate(), RunLayout.OPTIMIZER);
    }

    private void load(TrainingState s) {
        completedEpochs = s.position().completedEpochs();
        batchesDone = s.position().batchesDone();
        globalStep = s.position().globalStep();
        totals = new LossTotals(s.epochTotals());
        epochTrainSeconds = s.epochTrainSeconds();
        metrics = new ArrayList<>(s.metrics());
        trainSecondsDone = s.clock().trainSeconds();
        trainImagesDone = s.clock().trainImages();
    }

    private TrainingState state(SessionSnapshot snap) {
        return new TrainingState(new TrainingState.Position(completedEpochs, batchesDone, globalStep, config.seed(),
                config.batchSize(), train.size(), train.fingerprint()),
                new TrainingState.Noise(TrainingState.Noise.PER_BATCH, config.seed()), optimizerInfo(snap.optimizer()),
                totals.snapshot(), epochTrainSeconds, metrics, new TrainingState.Faults(retriesUsed, events),
                snap.family(), new TrainingState.Clock(startedAt, activeSeconds(), trainSecondsDone, trainImagesDone));
    }

    private double activeSeconds() {
        return activeBefore + (System.nanoTime() - processStart) / 1e9;
    }

    TrainingSummary run() throws IOException {
        TrainingPlan plan = new TrainingPlan(config.epochs(), stepsPerEpoch, config.batchSize(), train.size(),
                test.size(), config.device(), writer.directory().toString());
        listeners.forEach(l -> l.onStart(plan));
        while (completedEpochs < config.epochs()) {
            int epoch = completedEpochs + 1;
            if (!trainRestOfEpoch(epoch, plan)) {
                continue; // rolled back: the position and the state are the last good checkpoint's
            }
            long t0 = System.nanoTime();
            LossTotals te = session.evaluate(test);
            double evalSeconds = (System.nanoTime() - t0) / 1e9;
            EpochMetrics base = new EpochMetrics(epoch, globalStep, totals.meanTotal(), totals.meanRecon(),
                    totals.meanKl(), te.meanTotal(), te.meanRecon(), te.meanKl(), totals.images() / epochTrainSeconds,
                    epochTrainSeconds + evalSeconds).with(totals.schedule(), te.meanKlPerDim());
            EpochMetrics m = dev.vaeforge.trainer.prior.PriorMetrics.with(dev.vaeforge.trainer.posterior.FlowMetrics.with(
                    config.model(), FamilyRegistry.of(config.model()).epochMetrics(config.model(), base, totals, te), totals, te),
                    config.model(), session.model().getBlock());
            metrics.add(m);
            trainSecondsDone += epochTrainSeconds;
            trainImagesDone += totals.images();
            completedEpochs = epoch;
            batchesDone = 0;
            totals = new LossTotals();
            epochTrainSeconds = 0;
            writer.appendMetrics(m);
            listeners.forEach(l -> l.onEpoch(m));
            listeners.forEach(l -> l.onEpochImages(m, (count, seed) -> session.images(test, count, seed)));
            checkpoint(m);
        }
        return summary();
    }

    /** Trains the remaining batches of {@code epoch}; false if a rollback ended the epoch early. */
    private boolean trainRestOfEpoch(int epoch, TrainingPlan plan) throws IOException {
        try (BatchLoader loader = session.trainBatches(train, epoch, batchesDone)) {
            long t = System.nanoTime();
            for (BatchLoader.Batch b = loader.next(); b != null; b = loader.next()) {
                int batch = batchesDone + 1;
                float[] means;
                try {
                    means = session.step(b, epoch, batch, globalStep + 1);
                } catch (NumericalFaultException f) {
                    if (handle(f)) {
                        return false;
                    }
                    batchesDone++;
                    t = System.nanoTime();
                    continue;
                }
                batchesDone++;
                globalStep++;
                stepsThisProcess++;
                totals.add(b.count(), means);
                totals.addExtras(b.count(), session.lastExtras());
                totals.schedule(session.lastSchedule());
                long now = System.nanoTime();
                epochTrainSeconds += (now - t) / 1e9;
                report(plan, epoch, means);
                reportScalars(means);
                if (config.checkpointEvery() > 0 && batchesDone % config.checkpointEvery() == 0
                        && batchesDone < stepsPerEpoch) {
                    checkpoint(null);
                }
                t = System.nanoTime();
            }
        }
        return true;
    }

    /**
     * Applies the NaN policy to a refused step.
     *
     * @return true if the run was rolled back, false if the batch was skipped
     * @throws NumericalFaultException when the policy is stop or the retries are used up
     */
    private boolean handle(NumericalFaultException f) {
        StepFault fault = f.fault();
        NanPolicy policy = config.onNan();
        if (policy == NanPolicy.STOP) {
            throw new NumericalFaultException(fault, f.getMessage() + ". Training stopped (--on-nan stop); "
                    + "--on-nan skip or rollback would continue, or lower the learning rate (now "
                    + session.optimizer().learningRate() + ")");
        }
        if (retriesUsed >= config.maxNanRetries()) {
            throw new NumericalFaultException(fault, f.getMessage() + ". Training stopped: --on-nan " + policy.id()
                    + " already handled " + retriesUsed + " fault(s), the limit (--max-nan-retries) is "
                    + config.maxNanRetries());
        }
        retriesUsed++;
        String when = Instant.now().toString();
        if (policy == NanPolicy.SKIP) {
            events.add(new TrainingState.FaultEvent(fault.step(), fault.epoch(), fault.batch(), fault.where(),
                    fault.value(), "skipped", session.optimizer().learningRate(), when));
            warn("skipped the batch at " + fault.describe() + " (" + retriesUsed + " of " + config.maxNanRetries()
                    + " allowed)");
            return false;
        }
        float lr = session.optimizer().learningRate() / 2;
        Good g = lastGood;
        session.restore(g.snapshot());
        session.optimizer().setLearningRate(lr);
        load(g.state());
        events.add(new TrainingState.FaultEvent(fault.step(), fault.epoch(), fault.batch(), fault.where(),
                fault.value(), "rolled back to " + g.name(), lr, when));
        warn(String.format(Locale.ROOT, "%s; rolled back to %s (after step %d), learning rate halved to %s (%d of %d "
                        + "allowed)", fault.describe(), g.name(), globalStep, lr, retriesUsed, config.maxNanRetries()));
        return true;
    }

    private void checkpoint(EpochMetrics m) throws IOException {
        SessionSnapshot snap = session.snapshot();
        TrainingState st = state(snap);
        Checkpoint cp = writer.checkpoints().save(session.model(), snap, st, m);
        lastGood = new Good(snap, st, cp.relativeName());
        int e = completedEpochs;
        listeners.forEach(l -> l.onCheckpoint(e, cp.directory()));
    }

    private void report(TrainingPlan plan, int epoch, float[] means) {
        if (listeners.isEmpty()) {
            return;
        }
        double elapsed = (System.nanoTime() - processStart) / 1e9;
        double eta = elapsed / stepsThisProcess * (plan.totalSteps() - globalStep);
        StepProgress p = new StepProgress(epoch, plan.epochs(), batchesDone, stepsPerEpoch, globalStep,
                plan.totalSteps(), means[0], totals.meanTotal(), totals.images() / epochTrainSeconds, elapsed, eta);
        listeners.forEach(l -> l.onStep(p));
    }

    private void reportScalars(float[] means) {
        if (listeners.isEmpty()) {
            return;
        }
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("loss", (double) means[0]);
        List<String> logged = FamilyRegistry.of(config.model()).loggedTerms();
        s.put(logged.get(0), (double) means[1]);
        s.put(logged.get(1), (double) means[2]);
        s.putAll(session.lastExtras());
        s.put("learningRate", (double) session.optimizer().learningRate());
        s.putAll(session.lastSchedule());
        Map<String, Double> view = Collections.unmodifiableMap(s);
        long step = globalStep;
        listeners.forEach(l -> l.onStepScalars(step, view));
    }

    private void warn(String message) {
        listeners.forEach(l -> l.onWarning(message));
    }

    private TrainingSummary summary() throws IOException {
        List<Checkpoint> kept = CheckpointStore.list(writer.directory());
        Checkpoint latest = kept.get(kept.size() - 1);
        Checkpoint best = CheckpointStore.best(kept).orElse(latest);
        EpochMetrics last = metrics.get(metrics.size() - 1);
        double bestLoss = best.metrics() == null ? Double.NaN : best.metrics().testLoss();
        TrainingSummary summary = new TrainingSummary(RunLayout.FORMAT_VERSION, config.epochs(), globalStep, last,
                best.epoch(), bestLoss, latest.relativeName(), best.relativeName(), activeSeconds(),
                trainImagesDone / trainSecondsDone, startedAt, Instant.now().toString());
        writer.writeSummary(summary);
        listeners.forEach(l -> l.onEnd(summary));
        return summary;
    }
}
