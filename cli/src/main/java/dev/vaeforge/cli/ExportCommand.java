package dev.vaeforge.cli;

import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.exporter.RunExporter;
import dev.vaeforge.runtime.bundle.Manifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() {
        Exporter.Options d = Exporter.Options.defaults();
        Exporter.Result r = RunExporter.export(run, checkpoint, out,
                new Exporter.Options(overwrite, d.parityBatch(), d.paritySeed(), tolerance));
        print(spec.commandLine().getOut(), r);
        return 0;
    }

    static void print(PrintWriter out, Exporter.Result r) {
        Manifest m = r.manifest();
        out.printf("bundle   %s (%s, %dx%dx%d, latent %d)%n", r.bundle().toAbsolutePath(), m.family(), m.image().channels(),
                m.image().height(), m.image().width(), m.latent().dim());
        for (Map.Entry<String, Manifest.Graph> g : m.graphs().entrySet()) {
            out.printf("graph    %-8s %s  parity max |ORT - DJL| = %.3g%n", g.getKey(), g.getValue().file(),
                    m.parity().maxAbsError().get(g.getKey()));
        }
    }
}
