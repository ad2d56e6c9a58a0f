package dev.vaeforge.cli;

import dev.vaeforge.runtime.quantize.Quantizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vaeforge quantize}: an int8 bundle from an fp32 one, calibrated and gated (decision 0018). */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make an int8 bundle for CPU deployment: per-channel int8 weights and per-tensor uint8 activations "
                + "calibrated on a dataset, written as QDQ graphs that ONNX Runtime runs with its int8 kernels. A quality "
                + "gate on held-out images against the fp32 bundle decides whether it is written (--force overrides).",
                "Example: vaeforge quantize bundles/vae --calibration idx:/usr/share/datasets/fashion-mnist --out bundles/vae-int8"})
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The fp32 bundle (directory or .zip).")
    Path bundle;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE_INT8", description = "Bundle directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
    boolean overwrite;

    @Mixin
    QuantizeOptions quantize;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Quantizer.Result r = quantize.quantize(bundle, out, overwrite, spec.commandLine().getErr());
        o.printf("bundle    %s (from %s)%n", r.bundle().toAbsolutePath(), bundle);
        QuantizeOptions.print(o, r.quantization());
        return 0;
    }
}
