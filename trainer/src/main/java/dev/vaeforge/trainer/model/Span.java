package dev.vaeforge.trainer.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A length of training in optimiser steps or in epochs, e.g. the length of a KL warm-up. Written
 * "2000 steps" or "10 epochs" (JSON and command line; "2000steps" and "10ep" are accepted too).
 * Epochs are converted with the run's steps per epoch, which is fixed for a run (full batches only).
 */
public record Span(long length, Unit unit) {
    /** What {@link #length} counts. */
    public enum Unit { STEPS, EPOCHS }

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(steps?|epochs?|ep)", Pattern.CASE_INSENSITIVE);

    public Span {
        if (unit == null) {
            throw new IllegalArgumentException("a span needs a unit (steps or epochs)");
        }
        if (length < 1 || length > 1_000_000_000L) {
            throw new IllegalArgumentException("a span must be 1..1000000000 " + unit.name().toLowerCase(Locale.ROOT)
                    + ", got " + length);
        }
    }

    public static Span ofSteps(long n) {
        return new Span(n, Unit.STEPS);
    }

    public static Span ofEpochs(long n) {
        return new Span(n, Unit.EPOCHS);
    }

    /** Parses "2000 steps", "10 epochs", "10ep"; anything else names the accepted forms. */
    @JsonCreator
    public static Span parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a span; expected N steps or N epochs, e.g. "
                    + "'2000 steps' or '10 epochs'");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': " + m.group(1) + " is too large", e);
        }
        return new Span(n, m.group(2).toLowerCase(Locale.ROOT).startsWith("s") ? Unit.STEPS : Unit.EPOCHS);
    }

    /** The span in optimiser steps. */
    public long steps(int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
        return unit == Unit.STEPS ? length : length * stepsPerEpoch;
    }

    @JsonValue
    @Override
    public String toString() {
        return length + " " + unit.name().toLowerCase(Locale.ROOT);
    }
}
