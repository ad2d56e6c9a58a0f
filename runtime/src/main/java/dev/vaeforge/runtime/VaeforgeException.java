package dev.vaeforge.runtime;

/**
 * The one exception type vaeforge throws for expected failures (bad input, bad bundle, missing
 * device...). The message names the file or value and what was expected; the code says what kind of
 * failure it is.
 */
public class VaeforgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Code {
        /** A value, config field or input file is not what was expected. */
        BAD_INPUT,
        /** A bundle fails verification (hash, signature, version, layout). */
        BAD_BUNDLE,
        /** A run directory or checkpoint cannot be used. */
        BAD_RUN,
        /** The requested device or execution provider is not available. */
        DEVICE,
        /** Exported graphs do not reproduce the trained model. */
        PARITY,
        /** Reading or writing files failed. */
        IO,
        /** Training diverged or was stopped. */
        TRAINING,
        /** A trained model contains something the exporter cannot translate. */
        UNSUPPORTED
    }

    private final Code code;
    private final java.util.List<String> parameters;

    public VaeforgeException(Code code, String message) {
        this(code, message, null, java.util.List.of());
    }

    public VaeforgeException(Code code, String message, Throwable cause) {
        this(code, message, cause, java.util.List.of());
    }

    private VaeforgeException(Code code, String message, Throwable cause, java.util.List<String> parameters) {
        super(message, cause);
        this.code = code;
        this.parameters = java.util.List.copyOf(parameters);
    }

    /**
     * A BAD_INPUT failure of the named parameters: {@code message} names them as written here
     * ("steps must be >= 2, got 1"); a user interface may show each under its own spelling (a CLI flag,
     * a request field), see {@link #parameters()}.
     */
    public static VaeforgeException badParameter(String message, String... parameters) {
        return new VaeforgeException(Code.BAD_INPUT, message, null, java.util.List.of(parameters));
    }

    /** A failure of category {@code code} about the named parameters (see {@link #badParameter}). */
    public static VaeforgeException ofParameters(Code code, String message, Throwable cause, String... parameters) {
        return new VaeforgeException(code, message, cause, java.util.List.of(parameters));
    }

    public Code code() {
        return code;
    }

    /**
     * The parameters the message names, as they are spelled in it, first the one at fault; empty when
     * the failure is not about a parameter.
     */
    public java.util.List<String> parameters() {
        return parameters;
    }
}
