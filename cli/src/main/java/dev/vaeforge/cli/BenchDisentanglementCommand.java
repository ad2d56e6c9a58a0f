package dev.vaeforge.cli;

import dev.vaeforge.cli.bench.ScoresBench;
import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FactorDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.disentangle.BundleRepresentation;
import dev.vaeforge.runtime.disentangle.DisentanglementSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaeforge bench disentanglement}: the scores' cost, {@link ScoresBench}. */
@Command(name = "disentanglement", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure what each disentanglement score costs (points per second): with the bundle's"
                + " representation (render, encode, score) and, side by side in the same run, with the factor classes"
                + " as the code (the score's own work alone), plus rendering and render + encode alone. Sizes default"
                + " to a tenth of disentanglement_lib's; timings are never asserted; note the load average it prints.",
                "Example: vaeforge bench disentanglement bundles/bvae --data dsprites --out bench-scores.json"})
final class BenchDisentanglementCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip (Gaussian latent).")
    Path bundle;

    @Option(names = "--data", defaultValue = "dsprites", paramLabel = "SPEC",
            description = "A dataset with ground-truth factors. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--num-train", defaultValue = "1000", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int numTrain;

    @Option(names = "--num-eval", defaultValue = "500", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int numEval;

    @Option(names = "--num-variance", defaultValue = "1000", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int numVariance;

    @Option(names = "--mig-points", defaultValue = "1000", paramLabel = "N", description = "Also the points of the"
            + " stage-alone rows. Default: ${DEFAULT-VALUE}.")
    int migPoints;

    @Option(names = "--points-batch", defaultValue = "64", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int pointsBatch;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads; 0 = cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path out;

    @Override
    int maxBatch() {
        return batchSize;
    }

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1 || batchSize > ReconstructCommand.MAX_BATCH) {
            throw ConditionOptions.bad("--batch-size must be in 1.." + ReconstructCommand.MAX_BATCH + ", got " + batchSize);
        }
        DisentanglementSettings d = DisentanglementSettings.defaults();
        d = new DisentanglementSettings(seed, pointsBatch, numTrain, numEval, numVariance, migPoints, d.bins(), false);
        int n = dev.vaeforge.cli.bench.BenchSettings.threads(threads);
        if (System.getProperty("vaeforge.threads") == null) {
            System.setProperty("vaeforge.threads", Integer.toString(n));
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (VaeRuntime rt = openRuntime(bundle)) {
            ImageDataset all;
            try {
                all = DatasetResolver.open(data, DatasetOptions.defaults().withShape(rt.imageShape())
                        .withProgress(DataOptions.progress(err)));
            } catch (IllegalArgumentException e) {
                throw ConditionOptions.bad("--data " + data + ": " + e.getMessage());
            }
            FactorDataset f = FactorDataset.of(all).orElseThrow(() -> ConditionOptions.bad("--data " + data + ": "
                    + all.description() + " has no ground-truth factors; expected a dataset with factors (dsprites, npz:FILE, shapes)"));
            if (rt.condition().isPresent()) {
                throw ConditionOptions.bad(bundle + " is conditioned on " + rt.condition().get().describe()
                        + "; the bench takes an unconditioned bundle");
            }
            BundleRepresentation rep = new BundleRepresentation(rt, f, null, bundle.toString());
            o.printf("bench disentanglement: about %d images to encode, then the same scores on codes alone%n",
                    d.imagesNeeded());
            o.flush();
            long start = System.nanoTime();
            ScoresBench.Result r = ScoresBench.run(bundle.getFileName().toString(), data, f, rep, rep.codeSize(), d, n,
                    (what, done) -> {
                        err.printf(java.util.Locale.ROOT, "bench disentanglement [%d/3] %s (%.0f s)%n", done, what,
                                (System.nanoTime() - start) / 1e9);
                        err.flush();
                    });
            r.print(o);
            o.flush();
            if (out != null) {
                r.write(out);
                o.println("wrote " + out);
            }
        }
        return 0;
    }
}
