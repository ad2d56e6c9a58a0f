package dev.vaeforge.cli;

import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.posterior.PosteriorSpec;
import dev.vaeforge.trainer.prior.PriorSpec;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The shared convolutional architecture every family's config contains ({@link Architecture}), as
 * {@code train} options; the image's channels and size come from the dataset.
 */
final class ArchitectureOptions {
    @Option(names = "--latent-dim", defaultValue = "10", description = "Latent dimension D. Default: ${DEFAULT-VALUE}.")
    int latentDim;

    @Option(names = "--widths", split = ",", paramLabel = "W", description = "Encoder channel widths, one per "
            + "stride-2 stage (the decoder mirrors them). Default: 32,32,64,64 (64x64 images).")
    List<Integer> widths;

    @Option(names = "--likelihood", defaultValue = "bernoulli", paramLabel = "bernoulli|gaussian",
            description = "Decoder likelihood. Default: ${DEFAULT-VALUE}.")
    String likelihood;

    @Option(names = "--gaussian-sigma", defaultValue = "0.1", description = "Fixed std of the Gaussian likelihood. Default: ${DEFAULT-VALUE}.")
    double gaussianSigma;

    @Option(names = "--prior", defaultValue = "standard", paramLabel = "standard|vamp|flow", description = "The prior p(z) "
            + "of a Gaussian latent: the standard normal, the learned VampPrior (Tomczak & Welling 2018: a mixture of"
            + " the encoder's posteriors of --prior-components learned pseudo-inputs) or a learned RealNVP flow "
            + "(Dinh et al. 2017: --prior-flow-steps affine coupling layers, log p(z) = log N(f(z); 0, I) + "
            + "log|det df/dz|); with a learned prior the KL becomes the Monte-Carlo "
            + "term log q(z|x) - log p(z); the families with a Gaussian latent trained on an ELBO. Default: ${DEFAULT-VALUE}.")
    String prior;

    @Option(names = "--prior-components", defaultValue = "" + PriorSpec.DEFAULT_COMPONENTS, paramLabel = "K",
            description = "The VampPrior's pseudo-inputs K (each one encoder pass per step; fewer for small data). "
            + "Default: ${DEFAULT-VALUE}.")
    int priorComponents;

    @Option(names = "--prior-flow-steps", defaultValue = "" + PriorSpec.DEFAULT_FLOW_STEPS, paramLabel = "K",
            description = "The flow prior's affine coupling layers (masks alternate between even and odd latent "
            + "dimensions). Default: ${DEFAULT-VALUE}.")
    int priorFlowSteps;

    @Option(names = "--prior-hidden", defaultValue = "" + PriorSpec.DEFAULT_FLOW_HIDDEN, paramLabel = "H",
            description = "Units of each of a coupling layer's two hidden layers (flow prior). Default: ${DEFAULT-VALUE}.")
    int priorHidden;

    @Option(names = "--posterior", defaultValue = "gaussian", paramLabel = "gaussian|planar|iaf", description = "The "
            + "approximate posterior q(z|x) of a Gaussian latent: the diagonal Gaussian, or it followed by --flow-steps "
            + "planar flows (Rezende & Mohamed 2015) or inverse autoregressive flow steps (Kingma et al. 2016); the KL "
            + "becomes the Monte-Carlo term log q_K(z_K|x) - log p(z_K). For the families with a Gaussian latent and one "
            + "posterior draw per image, with the standard prior. Default: ${DEFAULT-VALUE}.")
    String posterior;

    @Option(names = "--flow-steps", defaultValue = "" + PosteriorSpec.DEFAULT_STEPS, paramLabel = "K",
            description = "The flow posterior's steps K (1.." + PosteriorSpec.MAX_STEPS + "). Default: ${DEFAULT-VALUE}.")
    int flowSteps;

    /** The posterior the options name, checked (a bad kind or K is named by its flag). */
    PosteriorSpec posterior() {
        try {
            return PosteriorSpec.of(posterior, flowSteps);
        } catch (dev.vaeforge.runtime.VaeforgeException e) {
            throw ParameterFlags.asFlags(e);
        }
    }

    /** The prior the options name, checked (a bad kind or K is named by its flag). */
    PriorSpec prior() {
        try {
            return PriorSpec.of(prior == null ? null : prior.strip().toLowerCase(java.util.Locale.ROOT), priorComponents,
                    priorFlowSteps, priorHidden);
        } catch (dev.vaeforge.runtime.VaeforgeException e) {
            throw ParameterFlags.asFlags(e);
        }
    }

    /** Refuses an unknown likelihood before any data is read. */
    void check() {
        Likelihood.parse(likelihood);
    }

    /** The architecture for images of {@code shape}: the given widths, or {@link #defaultWidths} of its size. */
    Architecture architecture(ImageShape shape) {
        List<Integer> w = widths != null ? widths : defaultWidths(shape.height());
        return new Architecture(shape.channels(), shape.height(), latentDim, w, Likelihood.parse(likelihood), gaussianSigma);
    }

    /** Four stride-2 stages for 64 px and up, fewer for small images (a 4x4 or larger bottleneck). */
    static List<Integer> defaultWidths(int size) {
        List<Integer> all = List.of(32, 32, 64, 64);
        int stages = 0;
        while (stages < all.size() && (size >> (stages + 1)) >= 4 && size % (1 << (stages + 1)) == 0) {
            stages++;
        }
        return all.subList(0, Math.max(1, stages));
    }
}
