package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point. Exit codes: 0 success, 1 unexpected error, 2 bad input or usage, 3 bad bundle, 4 bad
 * run directory, 5 device unavailable, 6 parity failure, 7 I/O error, 8 training failed,
 * 9 unsupported model ({@link ExitCodes}). Errors are one line on stderr, library messages with their
 * parameters shown as flags ({@link ParameterFlags}); stack traces only with --stacktrace.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams; used by the tests to run commands in-process. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** Our IOExceptions carry messages naming the file; their type says whose fault it is. */
    private static VaeforgeException.Code category(java.io.IOException e) {
        if (e instanceof dev.vaeforge.trainer.run.InvalidRunException) {
            return VaeforgeException.Code.BAD_RUN;
        }
        if (e instanceof dev.vaeforge.runtime.data.BadFilesException
                || e instanceof dev.vaeforge.runtime.image.ImageReadException
                || e instanceof dev.vaeforge.runtime.data.DataFileException
                || e instanceof java.nio.file.NoSuchFileException) {
            return VaeforgeException.Code.BAD_INPUT;
        }
        return VaeforgeException.Code.IO;
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        VaeforgeCommand root = new VaeforgeCommand();
        CommandLine cmd = new CommandLine(root);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((ex, line, parseResult) -> {
            PrintWriter e = line.getErr();
            int code;
            Throwable cause = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
            if (cause instanceof VaeforgeException ve) {
                e.println("vaeforge: " + ParameterFlags.render(ve.getMessage(), ve.parameters()));
                code = ExitCodes.of(ve.code());
            } else if (cause instanceof java.io.IOException io) {
                e.println("vaeforge: " + io.getMessage());
                code = ExitCodes.of(category(io));
            } else if (cause instanceof IllegalArgumentException iae) {
                e.println("vaeforge: " + iae.getMessage());
                code = ExitCodes.of(VaeforgeException.Code.BAD_INPUT);
            } else {
                e.println("vaeforge: unexpected error: " + ex + " (run with --stacktrace for details)");
                code = ExitCodes.UNEXPECTED;
            }
            if (root.stacktrace) {
                ex.printStackTrace(e);
            }
            e.flush();
            return code;
        });
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            line.getErr().println("vaeforge: " + ex.getMessage() + " (see '" + line.getCommandSpec().qualifiedName() + " --help')");
            line.getErr().flush();
            return ExitCodes.USAGE;
        });
        return cmd;
    }
}
