package dev.vaeforge.runtime.bundle;

import java.util.List;

/**
 * What a graph input or output means (format v2: {@link TensorSpec#role()}). The runtime binds tensors
 * by these roles, never by tensor names, so graphs written by other tools can be described and run.
 * Format-v1 bundles have no roles; {@code BundleReader} assigns them from v1's fixed tensor names.
 */
public final class TensorRole {
    /** An image batch [N,C,H,W] in the manifest's {@code image.pixelRange}. */
    public static final String IMAGE = "image";
    /** The condition y[N,A] of a conditional model; its columns are {@code conditioning.names}. */
    public static final String CONDITION = "condition";
    /** The latent a decoder takes: z[N,...] of the manifest's latent shape. */
    public static final String LATENT = "latent";
    /** Posterior mean of a Gaussian latent. */
    public static final String LATENT_MEAN = "latent-mean";
    /** Posterior log-variance of a Gaussian latent. */
    public static final String LATENT_LOGVAR = "latent-logvar";
    /** Mean and log-variance concatenated along axis 1 ([N, 2D] or [N, 2C, h, w]): mean first. */
    public static final String LATENT_MOMENTS = "latent-moments";
    /** A latent sample the graph draws itself. */
    public static final String LATENT_SAMPLE = "latent-sample";
    /** A code-grid model's continuous encoder output z_e[N,D,h,w], before quantisation. */
    public static final String LATENT_UNQUANTIZED = "latent-unquantized";
    /** The nearest code of each grid position, int64 [N,h,w]. */
    public static final String CODE_INDICES = "code-indices";
    /** The quantised latent z_q[N,D,h,w]: each position's codebook vector. */
    public static final String LATENT_QUANTIZED = "latent-quantized";
    /** The codebook [K,D]. */
    public static final String CODEBOOK = "codebook";
    /** A decoder's output [N,C,H,W]; {@link TensorSpec#values()} says how to read it as pixels. */
    public static final String RECONSTRUCTION = "reconstruction";
    /** A discriminator's log-odds that an image is real, [N,1] or [N]. */
    public static final String LOGIT = "logit";
    /** A discriminator's feature map [N,F,h,w]. */
    public static final String FEATURES = "features";
    /** Mean of a conditional prior p(z_l | z_{l+1}) of a latent of several levels (graph top_down). */
    public static final String PRIOR_MEAN = "prior-mean";
    /** Log-variance of a conditional prior p(z_l | z_{l+1}) of a latent of several levels (graph top_down). */
    public static final String PRIOR_LOGVAR = "prior-logvar";
    /** Log-density of a latent under a learned prior, [N]. */
    public static final String LOG_PROB = "log-prob";
    /** Standard-normal noise a sampling graph turns into prior samples. */
    public static final String NOISE = "noise";
    /** A flow posterior's per-image context [N, C]: an encoder output and a posterior_flow input. */
    public static final String POSTERIOR_CONTEXT = "posterior-context";
    /** A draw z_0 of the encoder's Gaussian q_0(z|x) that a posterior_flow graph transforms. */
    public static final String LATENT_BASE = "latent-base";
    /** A flow's log |det| of its Jacobian per item, [N]. */
    public static final String LOG_DET = "log-det";

    /** {@link TensorSpec#values()} of a reconstruction: probabilities or means in [0, 1]. */
    public static final String VALUES_PROBABILITIES = "probabilities";
    /** {@link TensorSpec#values()} of a reconstruction: logits; pixels are sigmoid(logits). */
    public static final String VALUES_LOGITS = "logits";
    /** {@link TensorSpec#values()} of a reconstruction: pixels in the manifest's {@code image.pixelRange}. */
    public static final String VALUES_PIXELS = "pixels";

    public static final List<String> ALL = List.of(IMAGE, CONDITION, LATENT, LATENT_MEAN, LATENT_LOGVAR,
            LATENT_MOMENTS, LATENT_SAMPLE, LATENT_UNQUANTIZED, CODE_INDICES, LATENT_QUANTIZED, CODEBOOK,
            RECONSTRUCTION, LOGIT, FEATURES, LOG_PROB, NOISE, PRIOR_MEAN, PRIOR_LOGVAR, POSTERIOR_CONTEXT, LATENT_BASE,
            LOG_DET);
    public static final List<String> RECONSTRUCTION_VALUES = List.of(VALUES_PROBABILITIES, VALUES_LOGITS, VALUES_PIXELS);

    private TensorRole() {
    }
}
