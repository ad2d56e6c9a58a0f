package dev.vaeforge.trainer.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The decoder's observation model p(x|z). */
public enum Likelihood {
    /** Pixels are Bernoulli probabilities; reconstruction term = summed binary cross-entropy. */
    BERNOULLI,
    /** Pixels are Gaussian means with a fixed standard deviation; term = summed squared error / (2 sigma^2) + const. */
    GAUSSIAN;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Likelihood parse(String s) {
        for (Likelihood l : values()) {
            if (l.id().equalsIgnoreCase(s)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Unknown likelihood '" + s + "', expected bernoulli or gaussian");
    }
}
