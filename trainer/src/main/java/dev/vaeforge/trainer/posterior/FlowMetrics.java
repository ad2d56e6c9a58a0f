package dev.vaeforge.trainer.posterior;

import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.prior.PriorTerms;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.LossTotals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics a flow posterior adds after the family's own columns: {@value #TRAIN} and {@value #TEST},
 * the epoch's mean log-determinant sum_k log |det df_k/dz_{k-1}| (nats per image) on the training steps
 * and on the held-out split. Nothing for the diagonal Gaussian, whose runs keep their columns.
 */
public final class FlowMetrics {
    public static final String TRAIN = "trainLogDet";
    public static final String TEST = "testLogDet";

    private FlowMetrics() {
    }

    private static boolean flow(ModelConfig config) {
        return config.architecture().posterior().flow();
    }

    /** The metrics.csv header of a run of {@code config}: the family's, then the flow's two columns. */
    public static List<String> columns(ModelConfig config, List<String> family) {
        if (!flow(config)) {
            return family;
        }
        List<String> c = new ArrayList<>(family);
        c.add(TRAIN);
        c.add(TEST);
        return List.copyOf(c);
    }

    /** The family's epoch metrics with the flow's two columns appended to its extras. */
    public static EpochMetrics with(ModelConfig config, EpochMetrics family, LossTotals train, LossTotals test) {
        if (!flow(config)) {
            return family;
        }
        Map<String, Double> x = new LinkedHashMap<>();
        if (family.extras() != null) {
            x.putAll(family.extras());
        }
        x.put(TRAIN, train.meanExtras().getOrDefault(PriorTerms.LOG_DET, Double.NaN));
        x.put(TEST, test.meanExtras().getOrDefault(PriorTerms.LOG_DET, Double.NaN));
        return family.withExtras(x);
    }
}
