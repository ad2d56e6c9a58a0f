package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.data.FactorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * All scores of one representation, with what they were computed on: written as metrics.json and
 * metrics.md by {@link DisentanglementReport}.
 *
 * @param scores   score name to value, in the order of the report (beta_vae.eval_accuracy, ...)
 * @param mi       I(code j; factor k) in nats of the MIG points [d][k]
 * @param importance DCI importance [d][k]
 */
public record DisentanglementResult(String source, FactorSpec factors, int codeSize, DisentanglementSettings settings,
        Map<String, Double> scores, double[][] mi, double[][] importance, long pointsEncoded, double seconds) {
    public DisentanglementResult {
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** The headline scores, as Locatello et al. report them. */
    public static final List<String> HEADLINE = List.of("beta_vae.eval_accuracy", "factor_vae.eval_accuracy",
            "mig", "sap", "dci.disentanglement", "dci.completeness", "dci.informativeness_test",
            "modularity", "explicitness.test");

    public double score(String name) {
        Double v = scores.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no score '" + name + "'; scores: " + scores.keySet());
        }
        return v;
    }

    /** Points encoded per second over the whole run. */
    public double pointsPerSecond() {
        return seconds > 0 ? pointsEncoded / seconds : 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String h : HEADLINE) {
            if (scores.containsKey(h)) {
                sb.append(String.format(Locale.ROOT, "%s=%.3f ", h, scores.get(h)));
            }
        }
        return sb.toString().strip();
    }
}
