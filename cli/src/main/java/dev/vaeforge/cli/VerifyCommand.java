package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleArchive;
import dev.vaeforge.runtime.bundle.Golden;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.onnx.Versions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Rerun a bundle's golden tensors here (this CPU, the CUDA provider, this ONNX Runtime) and print each"
                + " graph's largest |difference| from the outputs recorded when the bundle was written; exits non-zero"
                + " (6) when a graph is past its tolerance.",
                "Example: vaeforge verify bundles/vae --device cuda"})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Mixin
    DeviceOption device;

    @Option(names = "--tolerance", paramLabel = "T", description = "One tolerance for every graph instead of each graph's"
            + " recorded one.")
    Double tolerance;

    @Override
    public Integer call() {
        if (tolerance != null && !(tolerance > 0)) {
            throw VaeforgeException.badParameter("tolerance must be > 0, got " + tolerance, "tolerance");
        }
        GoldenVerifier.Report r;
        try (BundleArchive.Opened opened = BundleArchive.open(bundle)) {
            r = GoldenVerifier.verify(opened.bundle(), device.parse(), tolerance);
        }
        PrintWriter out = spec.commandLine().getOut();
        Golden g = r.golden();
        out.printf("bundle   %s%n", bundle);
        out.printf("golden   batch %d, seed %d, computed on %s (%s) with ONNX Runtime %s%n", g.batch(), g.seed(), g.device(),
                g.platform(), g.onnxRuntime());
        out.printf("here     %s (%s/%s) with ONNX Runtime %s%n", r.device(), System.getProperty("os.name"),
                System.getProperty("os.arch"), Versions.onnxRuntime());
        out.printf("%-14s %-14s %-12s %-16s %s%n", "graph", "max |diff|", "tolerance", "codes differing", "result");
        for (GoldenVerifier.GraphResult gr : r.graphs()) {
            out.printf("%-14s %-14s %-12s %-16s %s%n", gr.graph(), String.format("%.3e", gr.maxAbsError()),
                    String.format("%.3e", gr.tolerance()), gr.intValues() == 0 ? "-" : gr.intMismatches() + " of " + gr.intValues(),
                    gr.passed() ? "ok" : "FAILED" + (gr.worstOutput() == null ? "" : " (worst: " + gr.worstOutput() + ")"));
        }
        if (!r.passed()) {
            throw new VaeforgeException(VaeforgeException.Code.PARITY, "verify failed: " + r.graphs().stream()
                    .filter(x -> !x.passed()).map(GoldenVerifier.GraphResult::graph).toList() + " differ from the golden"
                    + " outputs past their tolerance on " + r.device());
        }
        out.println("verified: every graph reproduces its golden outputs on " + r.device());
        return 0;
    }
}
