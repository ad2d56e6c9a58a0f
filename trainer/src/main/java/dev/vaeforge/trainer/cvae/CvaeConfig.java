package dev.vaeforge.trainer.cvae;

import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;

/**
 * Conditional VAE (Sohn et al. 2015): q(z|x,y) and p(x|z,y) with the plain VAE's architecture.
 * y[N,A] is one-hot over class labels or multi-hot over attributes; it is concatenated to the encoder's
 * flattened features before the mu/logvar heads and to z before the decoder (decision 0009). Loss: the
 * negative conditional ELBO, -log p(x|z,y) + KL(q(z|x,y) || N(0, I)).
 *
 * @param conditioning labels or attributes (labels unless given)
 * @param conditionNames the class or attribute names, one per column of y, in order
 */
public record CvaeConfig(Architecture architecture, ConditionKind conditioning, List<String> conditionNames)
        implements ModelConfig {

    public static final String FAMILY = "cvae";

    public CvaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        conditioning = conditioning == null ? ConditionKind.LABELS : conditioning;
        conditionNames = new ConditionSpec(conditioning, conditionNames).names();
    }

    /** What y holds; A = {@code condition().dim()}. */
    public ConditionSpec condition() {
        return new ConditionSpec(conditioning, conditionNames);
    }

    @Override
    public String family() {
        return FAMILY;
    }

}
