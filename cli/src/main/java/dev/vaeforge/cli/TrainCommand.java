package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.ModelConfig;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.run.TrainingRun;
import dev.vaeforge.trainer.train.ProgressBar;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model with DJL and write a run directory (config, metrics per epoch, checkpoints).",
                "Example: vaeforge train --model vae --data shapes --epochs 5 --batch-size 64 --latent-dim 10 --out runs/vae",
                "Families and their flags: docs/FAMILIES.md (beta-vae: --beta, --kl-schedule, ...; capacity-vae: --gamma, "
                        + "--capacity-max, --capacity-span; cvae: --conditioning, --attributes)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "vae", paramLabel = "FAMILY",
            description = "Model family: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.", completionCandidates = Families.class)
    String model;

    @Option(names = "--data", defaultValue = "shapes", paramLabel = "SPEC",
            description = "Dataset: shapes[:n=N,size=S,rgb,seed=K] (built in) or folder:DIR. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory to create.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing run directory.")
    boolean overwrite;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--latent-dim", defaultValue = "10", description = "Latent dimension D. Default: ${DEFAULT-VALUE}.")
    int latentDim;

    @Option(names = "--widths", split = ",", paramLabel = "W", description = "Encoder channel widths, one per "
            + "stride-2 stage (the decoder mirrors them). Default: 32,32,64,64 (64x64 images).")
    List<Integer> widths;

    @Option(names = "--image-size", paramLabel = "PX", description = "Model image size (square). Default: the dataset's "
            + "(shapes: 64; folders: the first image's, or this size with --resize).")
    Integer imageSize;

    @Option(names = "--channels", paramLabel = "1|3", description = "Image channels; default: the dataset's.")
    Integer channels;

    @Option(names = "--likelihood", defaultValue = "bernoulli", paramLabel = "bernoulli|gaussian",
            description = "Decoder likelihood. Default: ${DEFAULT-VALUE}.")
    String likelihood;

    @Option(names = "--gaussian-sigma", defaultValue = "0.1", description = "Fixed std of the Gaussian likelihood. Default: ${DEFAULT-VALUE}.")
    double gaussianSigma;

    @Option(names = {"--lr", "--learning-rate"}, defaultValue = "1e-3", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation, split, shuffling and sampling. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]", description = "Training device. "
            + "CUDA needs a libtorch 2.7.1+cu128 via PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR=cu128. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Held-out fraction for the test loss. Default: ${DEFAULT-VALUE}.")
    double testFraction;

    @Option(names = "--keep-checkpoints", defaultValue = "3", description = "Checkpoints kept (plus the best). Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Mixin
    InputOptions input;

    @Mixin
    FamilyOptions familyOptions;

    /** Completion candidates for --model. */
    static final class Families implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(ModelFamily.values()).map(ModelFamily::id).iterator();
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TrainingSummary s = train(WriterStream.of(spec.commandLine().getErr()));
        out.printf("run directory  %s%n", this.out.toAbsolutePath());
        out.printf("final          train loss %.4f, test loss %.4f (recon %.4f + KL %.4f nats/image) after %d epochs, %d steps%n",
                s.finalMetrics().trainLoss(), s.finalMetrics().testLoss(), s.finalMetrics().testRecon(),
                s.finalMetrics().testKl(), s.epochs(), s.steps());
        out.printf("wall time      %.1f s (%.0f images/s training)%n", s.wallSeconds(), s.meanImagesPerSecond());
        out.printf("next           vaeforge export %s --out BUNDLE%n", this.out);
        return 0;
    }

    /** Validates every flag, opens the data and trains; progress goes to {@code progress}. */
    TrainingSummary train(PrintStream progress, TrainListener... extra) throws IOException {
        ModelFamily family = family();
        familyOptions.check(family);
        Likelihood lik = Likelihood.parse(likelihood);
        ImageShape requested = requestedShape();
        ImageDataset dataset;
        try {
            DatasetOptions opts = familyOptions.datasetOptions(family, input.options(requested));
            dataset = DatasetResolver.open(data, opts);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--data " + data + ": " + e.getMessage(), e);
        }
        ImageShape shape = dataset.shape();
        if (shape.height() != shape.width()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--data " + data + " has " + shape.height() + "x"
                    + shape.width() + " images; models are square: pass --image-size N --resize");
        }
        List<Integer> w = widths != null ? widths : defaultWidths(shape.height());
        VaeConfig architecture = new VaeConfig(shape.channels(), shape.height(), latentDim, w, lik, gaussianSigma);
        ModelConfig modelConfig = familyOptions.modelConfig(family, architecture, dataset, epochs);
        TrainConfig config = TrainConfig.builder(modelConfig, data).optEpochs(epochs).optBatchSize(batchSize)
                .optLearningRate(learningRate).optSeed(seed).optDevice(device).optKeepCheckpoints(keepCheckpoints)
                .optTestFraction(testFraction).optThreads(threads).build();
        TrainListener[] listeners = new TrainListener[extra.length + 1];
        listeners[0] = new ProgressBar(progress, ProgressBar.isTerminal());
        System.arraycopy(extra, 0, listeners, 1, extra.length);
        return TrainingRun.run(config, dataset, out, overwrite, listeners);
    }

    private ModelFamily family() {
        try {
            return ModelFamily.fromId(model);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--model: " + e.getMessage());
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
        return new ImageShape(channels != null ? channels : (DatasetResolver.isShapes(data) ? (data.contains("rgb") ? 3 : 1) : 3),
                size, size);
    }

    /** Four stride-2 stages for 64 px and up, fewer for small images (a 4x4 or larger bottleneck). */
    static List<Integer> defaultWidths(int size) {
        List<Integer> all = List.of(32, 32, 64, 64);
        int stages = 0;
        while (stages < all.size() && (size >> (stages + 1)) >= 4 && size % (1 << (stages + 1)) == 0) {
            stages++;
        }
        return all.subList(0, Math.max(1, stages));
    }
}
