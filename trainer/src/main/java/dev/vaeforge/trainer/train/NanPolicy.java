package dev.vaeforge.trainer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What training does when a loss term or a gradient is NaN or infinite. In every case the step is
 * stopped before it touches the weights or the optimiser state.
 */
public enum NanPolicy {
    /** Stop the run with a message naming the step, the family and the loss term (the default). */
    STOP,
    /** Drop the batch and go on with the next one; at most {@code maxNanRetries} times per run. */
    SKIP,
    /**
     * Go back to the last good checkpoint (or the initial weights), halve the learning rate and
     * continue from there; at most {@code maxNanRetries} times per run.
     */
    ROLLBACK;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static NanPolicy parse(String s) {
        for (NanPolicy p : values()) {
            if (p.id().equalsIgnoreCase(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown NaN policy '" + s + "', expected stop, skip or rollback");
    }
}
