package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.exporter.RunExporter;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.image.ImageGrid;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.run.TrainingRun;
import dev.vaeforge.trainer.train.ProgressBar;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole path once: train a convolutional VAE on the built-in shapes dataset with DJL, export "
                + "the bundle, then with ONNX Runtime reconstruct held-out images, draw prior samples and interpolate, "
                + "writing PNG grids. Takes a few minutes on 2 CPU cores.",
                "Example: vaeforge demo --out demo-out"})
final class DemoCommand implements Callable<Integer> {
    static final String MARKER = ".vaeforge-demo";
    /** Held-out images come from another seed of the generator: never seen in training. */
    static final long HELD_OUT_SEED = 7777;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR",
            description = "Output directory (replaced if it holds an earlier demo). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--epochs", defaultValue = "4", description = "Training epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--images", defaultValue = "4096", description = "Training images drawn from shapes. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--image-size", defaultValue = "64", description = "Image size. Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--latent-dim", defaultValue = "10", description = "Latent dimension. Default: ${DEFAULT-VALUE}.")
    int latentDim;

    @Option(names = "--seed", defaultValue = "42", description = "Training seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @picocli.CommandLine.Mixin
    LpipsOptions lpips;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        lpips.check();
        PrintWriter o = spec.commandLine().getOut();
        prepare();
        Path run = out.resolve("run");
        Path bundle = out.resolve("bundle");

        String data = "shapes:n=" + images + ",size=" + imageSize;
        ImageDataset dataset = DatasetResolver.open(data, DatasetOptions.defaults());
        VaeConfig model = new VaeConfig(1, imageSize, latentDim, ArchitectureOptions.defaultWidths(imageSize),
                Likelihood.BERNOULLI, 0);
        TrainConfig config = TrainConfig.builder(model, data).optEpochs(epochs).optBatchSize(64).optSeed(seed).build();
        o.printf("[1/4] training a VAE (widths %s, latent %d) on %s with DJL%n", model.widths(), latentDim,
                dataset.description());
        o.flush();
        TrainingSummary s = TrainingRun.run(config, dataset, run, false,
                new ProgressBar(WriterStream.of(spec.commandLine().getErr()), ProgressBar.isTerminal()));

        o.println("[2/4] exporting encoder.onnx + decoder.onnx with a parity check against DJL");
        Exporter.Result exported = RunExporter.export(run, RunExporter.Which.LATEST, bundle, Exporter.Options.defaults());

        o.println("[3/4] ONNX Runtime: reconstructing held-out images, sampling the prior, interpolating");
        Path recon = out.resolve("reconstructions.png");
        Path samples = out.resolve("samples.png");
        Path interp = out.resolve("interpolation.png");
        double mse;
        String lpipsLine;
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            ImageShape shape = rt.imageShape();
            ImageDataset heldOut = DatasetResolver.open("shapes:n=32,size=" + imageSize + ",seed=" + HELD_OUT_SEED,
                    DatasetOptions.defaults());
            int n = heldOut.size();
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            float[] x = heldOut.batch(idx, 0, n);
            float[] r = rt.reconstruct(x, n);
            mse = meanSquaredError(x, r);
            lpipsLine = heldOutLpips(x, r, n, shape);
            ImageFiles.writePng(ImageGrid.comparison(x, r, shape, n, 8, 2), recon);
            ImageFiles.writePng(ImageGrid.of(rt.sample(64, 1), shape, 64, 8, 2), samples);
            int a = firstWithLabel(heldOut, 0);
            int b = firstWithLabel(heldOut, 2);
            float[] frames = rt.interpolate(image(heldOut, a), image(heldOut, b), 10);
            ImageFiles.writePng(ImageGrid.strip(frames, shape, 10, 2), interp);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        o.println("[4/4] done");
        o.printf(Locale.ROOT, "%nrun directory   %s%n", run.toAbsolutePath());
        o.printf("  config        %s%n", run.resolve("config.json"));
        o.printf("  metrics       %s (and metrics.csv)%n", run.resolve("metrics.jsonl"));
        o.printf("  checkpoints   %s%n", run.resolve("checkpoints"));
        o.printf("bundle          %s (manifest.json, encoder.onnx, decoder.onnx)%n", bundle.toAbsolutePath());
        o.printf(Locale.ROOT, "  parity        encoder %.2e, decoder %.2e (max |ORT - DJL|, tolerance 1e-4)%n",
                exported.manifest().parity().maxAbsError().get("encoder"),
                exported.manifest().parity().maxAbsError().get("decoder"));
        o.printf("images%n  reconstructions %s (held-out originals above, reconstructions below)%n", recon.toAbsolutePath());
        o.printf("  samples         %s (64 draws from N(0, I), seed 1)%n", samples.toAbsolutePath());
        o.printf("  interpolation   %s (square -> heart, 10 steps)%n", interp.toAbsolutePath());
        o.printf(Locale.ROOT, "final loss      train %.2f, test %.2f nats/image (test recon %.2f + KL %.2f); held-out MSE %.5f%n",
                s.finalMetrics().trainLoss(), s.finalMetrics().testLoss(), s.finalMetrics().testRecon(),
                s.finalMetrics().testKl(), mse);
        o.printf("held-out LPIPS  %s%n", lpipsLine);
        o.printf(Locale.ROOT, "wall time       %.1f s (training %.1f s)%n", wall, s.wallSeconds());
        o.printf("try             ./vaeforge inspect %s%n", bundle);
        return 0;
    }

    /** Mean LPIPS of the held-out images against their reconstructions, or why it was not computed. */
    String heldOutLpips(float[] x, float[] r, int n, ImageShape shape) {
        try (dev.vaeforge.runtime.eval.Lpips lp = lpips.open(Device.CPU)) {
            if (lp == null && lpips.noLpips) {
                return "not computed: turned off (--no-lpips)";
            }
            if (lp == null) {
                return "not computed: no LPIPS graph (install one with 'vaeforge lpips install FILE'; docs/EVALUATION.md)";
            }
            String why = lp.unsupportedReason(shape);
            if (why != null) {
                return "not computed: " + why;
            }
            double[] d = lp.distance(x, r, n, shape);
            double mean = 0;
            for (double v : d) {
                mean += v / n;
            }
            return String.format(Locale.ROOT, "%.4f (mean of %d images, %s)", mean, n,
                    lp instanceof dev.vaeforge.runtime.metrics.lpips.LpipsDistance a ? a.summary() : lp.description());
        }
    }

    /** Replaces an earlier demo's output, but never a directory the demo did not create. */
    private void prepare() throws IOException {
        if (Files.exists(out)) {
            boolean empty;
            try (var s = Files.list(out)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(out.resolve(MARKER))) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, out + " exists and was not written by "
                        + "'vaeforge demo'; choose another --out");
            }
            AtomicFiles.deleteTree(out);
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve(MARKER), "written by vaeforge demo; the next demo run replaces this directory\n");
    }

    private static int firstWithLabel(ImageDataset d, int label) {
        for (int i = 0; i < d.size(); i++) {
            if (d.label(i) == label) {
                return i;
            }
        }
        return label == 0 ? 0 : d.size() - 1;
    }

    private static float[] image(ImageDataset d, int i) {
        float[] x = new float[d.shape().size()];
        d.read(i, x, 0);
        return x;
    }

    private static double meanSquaredError(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double e = a[i] - b[i];
            s += e * e;
        }
        return s / a.length;
    }
}
