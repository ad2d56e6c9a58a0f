package dev.vaeforge.trainer.vae;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;

/**
 * A convolutional VAE (Kingma and Welling 2014): the {@link Architecture} with two linear heads that
 * give mu and logvar after the encoder's last stage, and a decoder from z.
 */
public record VaeConfig(Architecture architecture) implements ModelConfig {

    public static final String FAMILY = "vae";
    public static final double DEFAULT_SIGMA = Architecture.DEFAULT_SIGMA;

    public VaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
    }

    /** The architecture's fields, in {@link Architecture}'s order. */
    public VaeConfig(int channels, int imageSize, int latentDim, List<Integer> widths, Likelihood likelihood,
                     double gaussianSigma) {
        this(new Architecture(channels, imageSize, latentDim, widths, likelihood, gaussianSigma));
    }

    @Override
    public String family() {
        return FAMILY;
    }

}
