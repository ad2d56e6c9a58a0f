package dev.vaeforge.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A training session's complete state between two steps, as plain Java values: every parameter
 * (batch-norm running statistics included) by name, the optimiser's moments and step counts, and
 * what the family contributes through {@code ResumableState}. A checkpoint writes one to disk; NaN
 * rollback keeps the last good one in memory.
 */
public record SessionSnapshot(Map<String, float[]> weights, ResumableAdam.State optimizer, Map<String, JsonNode> family) {
    public SessionSnapshot {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        family = Collections.unmodifiableMap(new LinkedHashMap<>(family));
    }

    /** "parameter 'x' holds NaN at index 3", or empty when every weight and moment is finite. */
    public Optional<String> firstNonFinite() {
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            Optional<String> bad = check("parameter '" + e.getKey() + "'", e.getValue());
            if (bad.isPresent()) {
                return bad;
            }
        }
        for (ResumableAdam.SlotState s : optimizer.slots()) {
            Optional<String> bad = check("Adam's first moment of '" + s.parameter() + "'", s.mean());
            if (bad.isEmpty()) {
                bad = check("Adam's second moment of '" + s.parameter() + "'", s.variance());
            }
            if (bad.isPresent()) {
                return bad;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> check(String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return Optional.of(what + " holds " + values[i] + " at index " + i);
            }
        }
        return Optional.empty();
    }
}
