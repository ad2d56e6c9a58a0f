package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;

/**
 * The CLI's exit statuses. A failure's category ({@link VaeforgeException.Code}) says what failed; this
 * class says which number the CLI exits with for it. {@code vaeforge --help} lists the same numbers
 * ({@link VaeforgeCommand}'s exitCodeList); ExitCodesTest keeps the two in step.
 */
final class ExitCodes {
    static final int SUCCESS = 0;
    /** A bug or an exception nobody expected; the message says to run with --stacktrace. */
    static final int UNEXPECTED = 1;
    /** A bad command line (unknown option, missing parameter): the same status as bad input. */
    static final int USAGE = 2;

    private ExitCodes() {
    }

    static int of(VaeforgeException.Code code) {
        return switch (code) {
            case BAD_INPUT -> 2;
            case BAD_BUNDLE -> 3;
            case BAD_RUN -> 4;
            case DEVICE -> 5;
            case PARITY -> 6;
            case IO -> 7;
            case TRAINING -> 8;
            case UNSUPPORTED -> 9;
        };
    }
}
