package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.SplitSizes;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.run.DatasetInfo;
import dev.vaeforge.trainer.run.RunDirectory;
import dev.vaeforge.trainer.run.TrainingRun;
import dev.vaeforge.trainer.train.DataSelection;
import dev.vaeforge.trainer.train.NanPolicy;
import dev.vaeforge.trainer.train.ProgressBar;
import dev.vaeforge.trainer.train.TensorBoardListener;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, modelTransformer = FamilyParameterOptions.class,
        description = {"Train a model with DJL and write a run directory (config, metrics per epoch, checkpoints), or "
                + "continue one with --resume: from its newest valid checkpoint, giving the same result as an "
                + "uninterrupted run.",
                "Example: vaeforge train --model vae --data shapes --epochs 5 --batch-size 64 --latent-dim 10 --out runs/vae",
                "         vaeforge train --resume runs/vae",
                "Families and their flags: docs/FAMILIES.md; each family's own flags are below, their help starting "
                        + "with the family they belong to."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "vae", paramLabel = "FAMILY",
            description = "Model family: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.", completionCandidates = FamilyIds.class)
    String model;

    @Option(names = "--data", defaultValue = "shapes", paramLabel = "SPEC",
            description = "Dataset: shapes[:n=N,size=S,rgb,seed=K] (built in), folder:DIR[,labels],"
                    + " celeba:DIR[,crop=148|178|none], idx:DIR, npy:FILE[,labels=FILE][,layout=nhwc|nchw]."
                    + " Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--out", paramLabel = "RUN", description = "Run directory to create.")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN", description = "Continue the run in RUN from its newest valid "
            + "checkpoint, with the run's own config.json (training options are refused) and the data selection it "
            + "recorded (--data, --limit, --split, split fractions and seed, --resize, --skip-bad; one given again must "
            + "agree). A corrupt newest checkpoint is passed over with a warning. The data must be the run's (checked).")
    Path resume;

    @Option(names = "--overwrite", description = "Replace an existing run directory.")
    boolean overwrite;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--image-size", paramLabel = "PX", description = "Model image size (square). Default: the dataset's "
            + "(shapes: 64; folders: the first image's, or this size with --resize).")
    Integer imageSize;

    @Option(names = "--channels", paramLabel = "1|3", description = "Image channels; default: the dataset's (with"
            + " --image-size alone: shapes as generated, idx 1, others 3).")
    Integer channels;

    @Option(names = {"--lr", "--learning-rate"}, defaultValue = "1e-3", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation, split, shuffling and sampling. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]", description = "Training device. "
            + "CUDA needs a libtorch 2.7.1+cu128 via PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR=cu128. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images of the train split and"
            + " of the held-out split (quick runs).")
    Integer limit;

    @Option(names = "--keep-checkpoints", defaultValue = "3", description = "Checkpoints kept (plus the best). Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "BATCHES", description = "Also checkpoint "
            + "every BATCHES batches inside an epoch (0 = at epoch ends only). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--on-nan", defaultValue = "stop", paramLabel = "stop|skip|rollback", description = "When a loss "
            + "term or gradient is NaN/Inf (the step is never applied): stop with a message naming the step, family and "
            + "term; skip the batch; or roll back to the last good checkpoint and halve the learning rate. Default: "
            + "${DEFAULT-VALUE}.")
    String onNan;

    @Option(names = "--max-nan-retries", defaultValue = "3", paramLabel = "N", description = "How many faults skip or "
            + "rollback may handle before the run stops. Default: ${DEFAULT-VALUE}.")
    int maxNanRetries;

    @Option(names = "--no-tensorboard", description = "Do not write TensorBoard event files into RUN/tensorboard/"
            + " (written by default: scalars per step and epoch, images and histograms per epoch, the config).")
    boolean noTensorboard;

    @Mixin
    ArchitectureOptions architectureOptions;

    @Mixin
    InputOptions input;

    /** --split picks the held-out part the test loss is computed on (valid or test). */
    @Mixin
    DataOptions dataOptions;

    /** Items the dataset skipped in the last {@link #train} call. */
    private int skipped;

    /** The family of the last run trained or resumed, for the summary. */
    private Family<?> trained;

    /** Completion candidates for --model: the registered families. */
    static final class FamilyIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return FamilyRegistry.ids().iterator();
        }
    }

    /** The options --resume may be combined with besides the data selection: they do not change what is trained. */
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume", "--stacktrace", "--cache-dir", "--no-cache",
            "--no-tensorboard");

    /**
     * The data-selection options: a run records them (config.json's dataSelection), --resume uses the
     * recorded ones, and one given again must agree with the run.
     */
    private static final Set<String> SELECTION_OPTIONS = Set.of("--data", "--limit", "--split", "--test-fraction",
            "--valid-fraction", "--split-seed", "--resize", "--skip-bad");

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TrainingSummary s = resume != null ? resume(WriterStream.of(spec.commandLine().getErr()))
                : train(WriterStream.of(spec.commandLine().getErr()));
        Path run = resume != null ? resume : this.out;
        out.printf("run directory  %s%n", run.toAbsolutePath());
        // what the two loss columns hold ("recon", "KL"; a vqvae's second is its VQ term) and further lines
        List<String> terms = trained.termLabels();
        out.printf("final          train loss %.4f, test loss %.4f (%s %.4f + %s %.4f nats/image) after %d epochs, %d steps%n",
                s.finalMetrics().trainLoss(), s.finalMetrics().testLoss(), terms.get(0), s.finalMetrics().testRecon(),
                terms.get(1), s.finalMetrics().testKl(), s.epochs(), s.steps());
        trained.summary(s.finalMetrics()).forEach((label, text) -> out.printf("%-15s%s%n", label, text));
        out.printf("wall time      %.1f s (%.0f images/s training)%n", s.wallSeconds(), s.meanImagesPerSecond());
        if (skipped > 0) {
            out.printf("skipped        %d bad items, listed in %s%n", skipped,
                    run.resolve(dev.vaeforge.trainer.run.RunLayout.SKIPPED).toAbsolutePath());
        }
        out.printf("next           vaeforge export %s --out BUNDLE%n", run);
        return 0;
    }

    /** Continues the run in --resume from its newest valid checkpoint, on the data selection it recorded. */
    TrainingSummary resume(PrintStream progress, TrainListener... extra) throws IOException {
        List<String> refused = new ArrayList<>();
        List<String> given = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (SELECTION_OPTIONS.contains(name)) {
                given.add(name);
            } else if (!RESUME_OPTIONS.contains(name)) {
                refused.add(name);
            }
        }
        if (!refused.isEmpty()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--resume continues " + resume + " with its own "
                    + "config.json; remove " + String.join(", ", refused) + " (to train differently, start a new run)");
        }
        TrainConfig config = RunDirectory.readConfig(resume).config();
        DataSelection recorded = config.dataSelection();
        for (String name : given) {
            checkAgrees(name, config, recorded);
        }
        Family<ModelConfig> family = FamilyRegistry.of(config.model());
        trained = family;
        // runs written before the selection was recorded resume with the options given again, as before
        DataSelection selection = recorded != null ? recorded : selection(null);
        DatasetResolver.TrainingData parts;
        try {
            DatasetOptions base = DatasetOptions.defaults().withShape(config.model().imageShape())
                    .withResize(selection.resize()).withSkipBad(selection.skipBad());
            DatasetOptions opts = family.datasetOptions(config.model(), dataOptions.apply(base,
                    new SplitSizes(selection.validFraction(), config.testFraction(), selection.splitSeed()),
                    spec.commandLine().getErr()));
            parts = DatasetResolver.training(config.dataset(), selection.heldOutSplit(), opts);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, resume + " was trained on " + config.dataset()
                    + ", which cannot be opened now: " + e.getMessage(), e);
        }
        skipped = parts.all().skipped().size();
        // the same parts as the original run (the trainer checks both parts' fingerprints)
        try (TensorBoardListener tb = noTensorboard ? null : new TensorBoardListener(resume, config, true)) {
            return TrainingRun.resume(resume, first(parts.train(), selection.limit()), first(parts.test(),
                    selection.limit()), listeners(progress, tb, extra));
        }
    }

    /** Refuses a data-selection option given with --resume whose value differs from the run's. */
    private void checkAgrees(String name, TrainConfig config, DataSelection recorded) {
        String run;
        String now;
        switch (name) {
            case "--data" -> {
                run = config.dataset();
                now = data;
            }
            case "--test-fraction" -> {
                run = Double.toString(config.testFraction());
                now = Double.toString(dataOptions.testFraction);
            }
            default -> {
                if (recorded == null) {
                    return; // an older run: the options given decide, and the fingerprints check them
                }
                DataSelection g = selection(recorded.heldOut());
                switch (name) {
                    case "--limit" -> {
                        run = recorded.limit() == null ? "all images" : recorded.limit().toString();
                        now = limit.toString();
                    }
                    case "--split" -> {
                        run = recorded.heldOut();
                        now = g.heldOut();
                    }
                    case "--valid-fraction" -> {
                        run = Double.toString(recorded.validFraction());
                        now = Double.toString(g.validFraction());
                    }
                    case "--split-seed" -> {
                        run = Long.toString(recorded.splitSeed());
                        now = Long.toString(g.splitSeed());
                    }
                    case "--resize" -> {
                        run = recorded.resize() ? "on" : "off";
                        now = "on";
                    }
                    case "--skip-bad" -> {
                        run = recorded.skipBad() ? "on" : "off";
                        now = "on";
                    }
                    default -> throw new IllegalStateException("no recorded value for " + name);
                }
            }
        }
        if (!run.equals(now)) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, name + " contradicts " + resume + ": the run"
                    + " was trained with " + name + " " + run + ", given " + now + " (leave it out: --resume uses the"
                    + " run's own data selection)");
        }
    }

    private void checkLimit() {
        if (limit != null && limit < 2) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--limit must be >= 2, got " + limit);
        }
    }

    /**
     * The data selection of this command line; {@code heldOut} is used when --split was not given
     * (null: the dataset's default).
     */
    private DataSelection selection(String heldOut) {
        Split split = dataOptions.split();
        dataOptions.sizes(); // validates the fractions with the flags' names
        checkLimit();
        if (split == Split.TRAIN) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--split: a run trains on the train split and"
                    + " tests on another: choose valid or test");
        }
        return new DataSelection(limit, split != null ? split.id() : heldOut, dataOptions.validFraction,
                dataOptions.splitSeed, input.resize, input.skipBad);
    }

    private static TrainListener[] listeners(PrintStream progress, TrainListener tensorBoard, TrainListener... extra) {
        List<TrainListener> all = new ArrayList<>();
        all.add(new ProgressBar(progress, ProgressBar.isTerminal()));
        if (tensorBoard != null) {
            all.add(tensorBoard);
        }
        all.addAll(List.of(extra));
        return all.toArray(TrainListener[]::new);
    }

    /** Validates every flag, opens the data and trains; progress goes to {@code progress}. */
    TrainingSummary train(PrintStream progress, TrainListener... extra) throws IOException {
        if (out == null) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "give --out RUN for a new run, or --resume RUN to"
                    + " continue one");
        }
        NanPolicy nanPolicy;
        try {
            nanPolicy = NanPolicy.parse(onNan);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--on-nan: " + e.getMessage());
        }
        Family<?> family = family();
        ParameterValues values = FamilyParameterOptions.values(spec.commandLine().getParseResult(), family);
        try {
            family.check(values);
            family.checkPrior(architectureOptions.prior());
            family.checkPosterior(architectureOptions.posterior(), architectureOptions.prior());
        } catch (VaeforgeException e) {
            throw ParameterFlags.asFlags(e);
        }
        architectureOptions.check();
        ImageShape requested = requestedShape();
        checkLimit();
        DatasetResolver.TrainingData parts;
        try {
            DatasetOptions opts = family.datasetOptions(values,
                    dataOptions.apply(input.options(requested), spec.commandLine().getErr()));
            parts = DatasetResolver.training(data, dataOptions.split(), opts);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--data " + data + ": " + e.getMessage(), e);
        }
        ImageDataset dataset = parts.all();
        skipped = dataset.skipped().size();
        Subset train = first(parts.train(), limit);
        Subset test = first(parts.test(), limit);
        ImageShape shape = dataset.shape();
        if (shape.height() != shape.width()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--data " + data + " has " + shape.height() + "x"
                    + shape.width() + " images; models are square: pass --image-size N --resize");
        }
        Architecture architecture = architectureOptions.architecture(shape);
        ModelConfig modelConfig;
        try {
            modelConfig = family.configure(architecture.withPrior(architectureOptions.prior()).withPosterior(architectureOptions.posterior()), values,
                    new FamilyContext(dataset, epochs, batchSize));
        } catch (VaeforgeException e) {
            throw ParameterFlags.asFlags(e);
        }
        trained = family;
        TrainConfig config = TrainConfig.builder(modelConfig, data).optEpochs(epochs).optBatchSize(batchSize)
                .optLearningRate(learningRate).optSeed(seed).optDevice(device).optKeepCheckpoints(keepCheckpoints)
                .optTestFraction(dataOptions.testFraction).optThreads(threads).optCheckpointEvery(checkpointEvery)
                .optOnNan(nanPolicy).optMaxNanRetries(maxNanRetries).optDataSelection(selection(parts.heldOut().id()))
                .build();
        String split = parts.split() + (limit != null ? "; first " + limit + " images of each part (--limit)" : "");
        try (TensorBoardListener tb = noTensorboard ? null : new TensorBoardListener(out, config, false)) {
            return TrainingRun.run(config, DatasetInfo.of(data, dataset, train, test, split), train, test, out,
                    overwrite, listeners(progress, tb, extra));
        }
    }

    /** The first {@code limit} images of {@code part}, or all of it. */
    static Subset first(Subset part, Integer limit) {
        if (limit == null || limit >= part.size()) {
            return part;
        }
        int[] indices = new int[limit];
        for (int i = 0; i < limit; i++) {
            indices[i] = part.baseIndex(i);
        }
        return new Subset(part.base(), indices, part.name() + ", first "
                + limit);
    }

    private Family<?> family() {
        try {
            return FamilyRegistry.get(model);
        } catch (VaeforgeException e) {
            throw ParameterFlags.asFlags(e);
        }
    }

    private ImageShape requestedShape() {
        if (imageSize == null && channels == null) {
            return null;
        }
        if (channels != null && channels != 1 && channels != 3) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--channels must be 1 or 3, got " + channels);
        }
        int size = imageSize != null ? imageSize : 64;
        int c = channels != null ? channels
                : DatasetResolver.isShapes(data) ? (data.contains("rgb") ? 3 : 1)
                : data.strip().toLowerCase(java.util.Locale.ROOT).startsWith("idx:") ? 1 : 3;
        return new ImageShape(c, size, size);
    }

}
