package dev.vaeforge.trainer.run;

import ai.djl.Device;
import dev.vaeforge.runtime.data.BadFile;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The training entry points: {@link #run} starts a run directory, {@link #resume} continues one from
 * its newest valid checkpoint. Both train for the configured epochs; after each epoch they evaluate
 * on the held-out split, log the metrics and write a checkpoint (also every {@code checkpointEvery}
 * batches). An exception or a killed process leaves a consistent run directory (config, metrics and
 * checkpoints, no summary.json) that {@link RunDirectory} can open and {@link #resume} can continue.
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
        Subset[] split = split(config, dataset);
        return run(config, DatasetInfo.of(config.dataset(), dataset, split[0], split[1], "seeded split: "
                + split[1].size() + " test images, training seed " + config.seed()), split[0], split[1], runDir,
                overwrite, listeners);
    }

    private static Subset[] split(TrainConfig config, ImageDataset dataset) {
        if (dataset.size() < 2) {
            throw new IllegalArgumentException("dataset " + dataset.description() + " has " + dataset.size()
                    + " image(s); training needs at least 2 (one to train on, one to test)");
        }
        int test = (int) Math.max(1, Math.round(dataset.size() * config.testFraction()));
        return Subset.split(dataset, test, config.seed());
    }

    /**
     * Trains on {@code train} and tests on {@code test}: for datasets with their own split (CelebA, IDX)
     * and for splits chosen by the caller. Items the datasets skipped as bad are listed in
     * {@code RUN/skipped.tsv}.
     */
    public static TrainingSummary run(TrainConfig config, DatasetInfo datasetInfo, ImageDataset train,
                                      ImageDataset test, Path runDir, boolean overwrite, TrainListener... listeners)
            throws IOException {
        EngineSetup.configure(config.threads());
        String startedAt = Instant.now().toString();
        checkData(config, train, test);
        Device device = EngineSetup.device(config.deviceSpec());
        RunWriter writer = RunWriter.create(runDir, RunInfo.create(config, datasetInfo), overwrite);
        writer.writeSkipped(skipped(train, test));
        try (TrainingSession session = new TrainingSession(config, device)) {
            TrainingState start = TrainingLoop.initial(config, train, session.snapshot(), startedAt);
            return new TrainingLoop(config, session, writer, train, test, List.of(listeners), start,
                    "the initial weights").run();
        }
    }

    /**
     * Continues the run in {@code runDir} from its newest valid checkpoint, splitting {@code dataset}
     * as the run did. The run's config.json decides everything; the data must be the data it was
     * trained on (checked by fingerprint).
     */
    public static TrainingSummary resume(Path runDir, ImageDataset dataset, TrainListener... listeners)
            throws IOException {
        RunInfo info = resumableInfo(runDir);
        Subset[] split = split(info.config(), dataset);
        return resume(runDir, split[0], split[1], listeners);
    }

    /**
     * Continues the run in {@code runDir} on the given split. Checkpoints newer than the one used that
     * fail their checks are renamed to {@code corrupt-<name>}, with a warning naming both.
     *
     * @throws InvalidRunException for a format-1 run, other data, or a run whose checkpoints are all unusable
     */
    public static TrainingSummary resume(Path runDir, ImageDataset train, ImageDataset test,
                                         TrainListener... listeners) throws IOException {
        RunInfo info = resumableInfo(runDir);
        TrainConfig config = info.config();
        EngineSetup.configure(config.threads());
        checkData(config, train, test);
        checkSameData(runDir, info.dataset(), train, test);
        List<TrainListener> ls = List.of(listeners);

        List<CheckpointStore.Scanned> all = CheckpointStore.scan(runDir, true);
        CheckpointStore.Scanned chosen = null;
        List<CheckpointStore.Scanned> passedOver = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && chosen == null; i--) {
            CheckpointStore.Scanned s = all.get(i);
            if (s.ok() && s.checkpoint().resumable()) {
                chosen = s;
            } else {
                passedOver.add(s);
            }
        }
        if (chosen == null && !all.isEmpty()) {
            StringBuilder sb = new StringBuilder(runDir.resolve(RunLayout.CHECKPOINTS) + " holds no usable checkpoint:");
            passedOver.forEach(s -> sb.append(' ').append(s.directory().getFileName()).append(": ")
                    .append(problem(s)).append(';'));
            throw new InvalidRunException(sb.substring(0, sb.length() - 1));
        }
        for (CheckpointStore.Scanned s : passedOver) {
            Path moved = CheckpointStore.quarantine(s.directory());
            String msg = "newest checkpoint " + s.directory() + " is unusable (" + problem(s) + "); resuming from "
                    + chosen.directory() + " instead; the bad one was renamed to " + moved.getFileName();
            ls.forEach(l -> l.onWarning(msg));
        }
        String threadsNow = System.getProperty(EngineSetup.NUM_THREADS, "default");
        String threadsThen = info.environment().getOrDefault("threads", threadsNow);
        if (!threadsNow.equals(threadsThen)) {
            String msg = "this process uses " + threadsNow + " PyTorch threads but the run was started with " + threadsThen
                    + "; the result will differ from an uninterrupted run by float rounding (bit-exact resume needs the"
                    + " same thread count: -D" + EngineSetup.NUM_THREADS + "=" + threadsThen + ", e.g. in VAEFORGE_JAVA_OPTS)";
            ls.forEach(l -> l.onWarning(msg));
        }
        Device device = EngineSetup.device(config.deviceSpec());
        try (TrainingSession session = new TrainingSession(config, device)) {
            TrainingState start;
            String name;
            if (chosen == null) {
                start = TrainingLoop.initial(config, train, session.snapshot(), Instant.now().toString());
                name = "the initial weights";
                ls.forEach(l -> l.onWarning(runDir + " has no checkpoint yet; starting from the beginning (same seed,"
                        + " same result)"));
            } else {
                Checkpoint c = chosen.checkpoint();
                start = c.info().state();
                checkPosition(c, start, config, train);
                SessionSnapshot snap = CheckpointSnapshots.read(c, config.model());
                try {
                    session.restore(snap);
                } catch (IllegalArgumentException e) {
                    throw new InvalidRunException(c.directory() + " does not fit the run's model: " + e.getMessage(), e);
                }
                name = c.relativeName();
                long step = start.position().globalStep();
                ls.forEach(l -> l.onResume(c.relativeName(), step));
            }
            RunWriter writer = RunWriter.reopen(runDir, info, start.metrics());
            return new TrainingLoop(config, session, writer, train, test, ls, start, name).run();
        }
    }

    private static String problem(CheckpointStore.Scanned s) {
        return s.ok() ? "it holds weights only, no training state" : s.problem();
    }

    private static RunInfo resumableInfo(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new InvalidRunException("run directory " + runDir + " does not exist; nothing to resume");
        }
        RunInfo info = RunDirectory.readInfo(runDir.resolve(RunLayout.CONFIG));
        if (info.formatVersion() < 2) {
            throw new InvalidRunException(runDir + " was written by run format " + info.formatVersion()
                    + ", whose checkpoints hold weights only (no optimiser state, data position or noise seed), so it"
                    + " cannot be resumed exactly; export it as it is, or train it again");
        }
        return info;
    }

    private static void checkSameData(Path runDir, DatasetInfo recorded, ImageDataset train, ImageDataset test)
            throws InvalidRunException {
        if (!train.fingerprint().equals(recorded.trainFingerprint()) || !test.fingerprint().equals(recorded.testFingerprint())) {
            throw new InvalidRunException("the data differs from what " + runDir + " was trained on: training split "
                    + train.fingerprint() + " / test split " + test.fingerprint() + ", the run recorded "
                    + recorded.trainFingerprint() + " / " + recorded.testFingerprint() + " (" + recorded.spec()
                    + "); resume with the same data and selection (dataset spec, limit, held-out split, split fractions and seed,"
                    + " resize, skip-bad)" + (recorded.split() != null ? "; the run's: " + recorded.split() : ""));
        }
    }

    private static void checkPosition(Checkpoint c, TrainingState s, TrainConfig config, ImageDataset train)
            throws InvalidRunException {
        TrainingState.Position p = s.position();
        if (p.batchSize() != config.batchSize() || p.trainImages() != train.size() || p.shuffleSeed() != config.seed()
                || !TrainingState.Noise.PER_BATCH.equals(s.noise().scheme())) {
            throw new InvalidRunException(c.directory().resolve(RunLayout.CHECKPOINT_INFO) + " records batch size "
                    + p.batchSize() + ", " + p.trainImages() + " training images, shuffle seed " + p.shuffleSeed()
                    + " and noise '" + s.noise().scheme() + "', but the run has " + config.batchSize() + ", "
                    + train.size() + ", " + config.seed() + " and '" + TrainingState.Noise.PER_BATCH + "'");
        }
        if (p.completedEpochs() > config.epochs()) {
            throw new InvalidRunException(c.directory() + " is past the run's last epoch " + config.epochs());
        }
    }

    /** The skipped items of both parts, each once (parts of one dataset share its list). */
    private static List<BadFile> skipped(ImageDataset train, ImageDataset test) {
        LinkedHashSet<BadFile> all = new LinkedHashSet<>(train.skipped());
        all.addAll(test.skipped());
        return List.copyOf(all);
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
        FamilyRegistry.of(config.model()).conditions(config.model(), train);
        FamilyRegistry.of(config.model()).conditions(config.model(), test);
    }
}
