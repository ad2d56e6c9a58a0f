package dev.vaeforge.trainer.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.List;

/**
 * Conditional VAE (Sohn et al. 2015): q(z|x,y) and p(x|z,y) with the {@link VaeConfig} architecture.
 * y[N,A] is one-hot over class labels or multi-hot over attributes; it is concatenated to the encoder's
 * flattened features before the mu/logvar heads and to z before the decoder (decision 0009). Loss: the
 * negative conditional ELBO, -log p(x|z,y) + KL(q(z|x,y) || N(0, I)).
 *
 * @param conditioning labels or attributes (labels unless given)
 * @param conditionNames the class or attribute names, one per column of y, in order
 */
public record CvaeConfig(int channels, int imageSize, int latentDim, List<Integer> widths, Likelihood likelihood,
                         double gaussianSigma, ConditionKind conditioning, List<String> conditionNames)
        implements ModelConfig {

    public CvaeConfig {
        VaeConfig a = new VaeConfig(channels, imageSize, latentDim, widths, likelihood, gaussianSigma);
        widths = a.widths();
        likelihood = a.likelihood();
        gaussianSigma = a.gaussianSigma();
        conditioning = conditioning == null ? ConditionKind.LABELS : conditioning;
        conditionNames = new ConditionSpec(conditioning, conditionNames).names();
    }

    @JsonIgnore
    public VaeConfig architecture() {
        return new VaeConfig(channels, imageSize, latentDim, widths, likelihood, gaussianSigma);
    }

    /** What y holds; A = {@code condition().dim()}. */
    @JsonIgnore
    public ConditionSpec condition() {
        return new ConditionSpec(conditioning, conditionNames);
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.CVAE;
    }

    @Override
    public ImageShape imageShape() {
        return new ImageShape(channels, imageSize, imageSize);
    }
}
