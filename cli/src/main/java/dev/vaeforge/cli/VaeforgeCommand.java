package dev.vaeforge.cli;

import dev.vaeforge.runtime.onnx.Versions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "vaeforge", mixinStandardHelpOptions = true, versionProvider = VaeforgeCommand.Version.class,
        description = "Train VAE-family models with DJL, export them as ONNX bundles, run them with ONNX Runtime.",
        subcommands = {DemoCommand.class, TrainCommand.class, ExportCommand.class, QuantizeCommand.class, InspectCommand.class,
                ReconstructCommand.class, SampleCommand.class, InterpolateCommand.class, EvaluateCommand.class, CompareCommand.class, BenchCommand.class,
                ServeCommand.class, ImportCommand.class, VerifyCommand.class, LpipsCommand.class,
                EncodeCommand.class, DecodeCommand.class, DisentanglementCommand.class, TraverseCommand.class,
                SparkCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:unexpected error", "2:bad input or usage", "3:bad bundle", "4:bad run directory",
                "5:device unavailable", "6:export parity failure", "7:I/O error", "8:training failed", "9:unsupported model"})
public final class VaeforgeCommand implements Runnable {
    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean stacktrace;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the vaeforge and library versions. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vaeforge " + Versions.vaeforge(), "ONNX Runtime " + Versions.onnxRuntime(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch") + ")"};
        }
    }
}
