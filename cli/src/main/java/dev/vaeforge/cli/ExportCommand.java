package dev.vaeforge.cli;

import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.exporter.RunExporter;
import dev.vaeforge.runtime.bundle.Manifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.trainer.run.DatasetInfo;
import dev.vaeforge.trainer.run.RunDirectory;
import dev.vaeforge.trainer.run.RunInfo;
import dev.vaeforge.trainer.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a trained run as a bundle of ONNX graphs + manifest.json, after proving that every graph "
                + "reproduces the DJL forward pass (max |diff| <= tolerance, else nothing is written).",
                "Example: vaeforge export runs/vae --out bundles/vae"})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory written by 'vaeforge train'.")
    Path run;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Bundle directory to write.")
    Path out;

    @Option(names = "--checkpoint", defaultValue = "latest", paramLabel = "latest|best",
            description = "Which checkpoint to export: the latest, or the best by test loss. Default: ${DEFAULT-VALUE}.")
    RunExporter.Which checkpoint;

    @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
    boolean overwrite;

    @Option(names = "--parity-tolerance", defaultValue = "1e-4",
            description = "Largest allowed |ONNX Runtime - DJL| on random inputs. Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(names = "--no-code-prior", description = "Code-grid models: do not fit the empirical code prior on the run's training "
            + "images; the bundle then samples codes uniformly only.")
    boolean noCodePrior;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8",
            description = "fp32, or int8: export, then quantise as 'vaeforge quantize' does (needs --calibration; the "
                    + "quality gate decides whether anything is written). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Mixin
    QuantizeOptions quantize;

    /** vqvae: how to reopen the run's training data for the code prior (as for train --resume). */
    @Mixin
    InputOptions input;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() throws IOException {
        if (!precision.equals("fp32") && !precision.equals("int8")) {
            throw VaeforgeException.badParameter("precision must be fp32 or int8, got '" + precision + "'", "precision");
        }
        boolean int8 = precision.equals("int8");
        if (int8) {
            // every quantisation option and the calibration data are checked before anything is exported
            quantize.settings();
            quantize.open();
            if (java.nio.file.Files.exists(out) && !overwrite) {
                throw VaeforgeException.badParameter(out + " already exists; choose another out or pass overwrite", "out",
                        "overwrite");
            }
        }
        RunInfo info = RunDirectory.readConfig(run);
        Exporter.Options d = Exporter.Options.defaults();
        Path fp32Out = int8 ? dev.vaeforge.runtime.io.AtomicFiles.tempSibling(out) : out;
        try {
            Exporter.Result r = RunExporter.export(run, checkpoint, fp32Out,
                    new Exporter.Options(overwrite || int8, d.parityBatch(), d.paritySeed(), tolerance),
                    noCodePrior ? null : () -> trainingImages(info));
            if (int8) {
                spec.commandLine().getOut().printf("fp32      exported and parity-checked (max |ORT - DJL| %s); quantising%n",
                        r.manifest().parity().maxAbsError());
            } else {
                print(spec.commandLine().getOut(), r);
            }
            if (int8) {
                dev.vaeforge.runtime.quantize.Quantizer.Result q = quantize.quantize(fp32Out, out, overwrite,
                        spec.commandLine().getErr());
                spec.commandLine().getOut().printf("int8      %s%n", q.bundle().toAbsolutePath());
                QuantizeOptions.print(spec.commandLine().getOut(), q.quantization());
            }
        } finally {
            if (int8) {
                dev.vaeforge.runtime.io.AtomicFiles.deleteTree(fp32Out);
            }
        }
        return 0;
    }

    /**
     * The training part of the run, reopened like {@code train --resume} does (same flags) and checked
     * against the run's recorded fingerprint. Asked for only by a model whose export fits a prior on its
     * training images (vqvae's code prior), after parity passed.
     */
    private Subset trainingImages(RunInfo info) {
        TrainConfig config = info.config();
        DatasetInfo recorded = info.dataset();
        Subset train;
        try {
            DatasetOptions opts = dataOptions.apply(input.options(config.model().imageShape()), spec.commandLine().getErr());
            train = TrainCommand.first(DatasetResolver.training(config.dataset(), dataOptions.split(), opts).train(),
                    recorded.trainImages());
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, run + " was trained on " + config.dataset()
                    + ", which cannot be opened now to fit the code prior: " + e.getMessage()
                    + " (pass the same data flags as for training, or --no-code-prior)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!train.fingerprint().equals(recorded.trainFingerprint())) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "the training images of " + config.dataset()
                    + " opened now (" + train.fingerprint() + ") are not those the run recorded (" + recorded.trainFingerprint()
                    + "); pass the same --split/--test-fraction/--split-seed/--resize as for training, or --no-code-prior");
        }
        return train;
    }

    static void print(PrintWriter out, Exporter.Result r) {
        Manifest m = r.manifest();
        out.printf("bundle   %s (%s, %dx%dx%d, latent %s)%n", r.bundle().toAbsolutePath(), m.family(), m.image().channels(),
                m.image().height(), m.image().width(), latent(m));
        for (Map.Entry<String, Manifest.Graph> g : m.graphs().entrySet()) {
            out.printf("graph    %-9s %s  parity max |ORT - DJL| = %.3g%n", g.getKey(), g.getValue().file(),
                    m.parity().maxAbsError().get(g.getKey()));
        }
        if (m.prior().file() != null) {
            out.printf("prior    %s (%s)%n", m.prior().type(), m.prior().file());
        }
    }

    /** "10" for a Gaussian vector latent, "4x8x8" for a Gaussian grid, "grid 4x4 of 64 codes, dim 16" for codes. */
    static String latent(Manifest m) {
        Manifest.Latent l = m.latent();
        if (l.hierarchical()) {
            return InspectCommand.latent(l);
        }
        long[] shape = l.shape();
        if (l.codes()) {
            return "grid " + shape[0] + "x" + shape[1] + " of " + l.codebookSize() + " codes, dim " + l.codeDim();
        }
        StringBuilder sb = new StringBuilder();
        for (long d : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }
}
