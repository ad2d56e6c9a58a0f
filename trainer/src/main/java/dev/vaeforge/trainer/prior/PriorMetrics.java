package dev.vaeforge.trainer.prior;

import ai.djl.nn.Block;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learned prior's own line in the training logs: the norm of its parameters (the VampPrior's
 * pseudo-inputs before the sigmoid, the flow's weights and biases), appended as the last column of
 * metrics.csv and a field of metrics.jsonl for every run whose prior is learned, whatever the family.
 */
public final class PriorMetrics {
    /** The column: ||lambda||_2 at the end of the epoch. */
    public static final String PRIOR_NORM = "priorNorm";

    private PriorMetrics() {
    }

    /** A block that holds a learned prior's parameters. */
    public interface LearnedPriorBlock {
        /** ||lambda||_2 over the prior's own parameters; NaN where the prior has none. */
        double priorParameterNorm();
    }

    /** {@code columns} with the prior's column last where {@code config}'s prior is learned. */
    public static List<String> columns(ModelConfig config, List<String> columns) {
        if (!config.architecture().prior().learned()) {
            return columns;
        }
        List<String> c = new ArrayList<>(columns);
        c.add(PRIOR_NORM);
        return List.copyOf(c);
    }

    /** {@code m} with the prior's column after the family's extras, where the prior is learned. */
    public static EpochMetrics with(EpochMetrics m, ModelConfig config, Block block) {
        if (!config.architecture().prior().learned() || !(block instanceof LearnedPriorBlock p)) {
            return m;
        }
        Map<String, Double> extras = m.extras() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m.extras());
        extras.put(PRIOR_NORM, p.priorParameterNorm());
        return m.withExtras(extras);
    }
}
