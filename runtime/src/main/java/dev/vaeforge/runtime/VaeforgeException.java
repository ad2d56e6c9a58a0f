package dev.vaeforge.runtime;

/**
 * The one exception type vaeforge throws for expected failures (bad input, bad bundle, missing
 * device...). The message names the file or value and what was expected; the code lets the CLI map
 * it to an exit status.
 */
public class VaeforgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, with the CLI's exit code for it. */
    public enum Code {
        /** Bad command-line value, config field or input file. */
        BAD_INPUT(2),
        /** A bundle that fails verification (hash, signature, version, layout). */
        BAD_BUNDLE(3),
        /** A run directory or checkpoint that cannot be used. */
        BAD_RUN(4),
        /** The requested device or execution provider is not available. */
        DEVICE(5),
        /** Exported graphs do not reproduce the trained model. */
        PARITY(6),
        /** Reading or writing files failed. */
        IO(7),
        /** Training diverged or was stopped. */
        TRAINING(8),
        /** A trained model contains something the exporter cannot translate. */
        UNSUPPORTED(9);

        private final int exitCode;

        Code(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Code code;

    public VaeforgeException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public VaeforgeException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
