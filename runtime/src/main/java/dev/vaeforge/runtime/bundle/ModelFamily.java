package dev.vaeforge.runtime.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The model families a bundle may hold, with the graphs each one must have. The trainer dispatches
 * on this enum with exhaustive switch expressions (decision 0003), so a family added here does not
 * compile until every place that must know it does.
 */
public enum ModelFamily {
    /** Kingma and Welling 2014: negative ELBO. */
    VAE("vae", List.of(GraphRole.ENCODER, GraphRole.DECODER)),
    /** Higgins et al. 2017: reconstruction + beta * KL, with a KL schedule and optional free bits. */
    BETA_VAE("beta-vae", List.of(GraphRole.ENCODER, GraphRole.DECODER)),
    /** Burgess et al. 2018: reconstruction + gamma * |KL - C|, C rising linearly to C_max. */
    CAPACITY_VAE("capacity-vae", List.of(GraphRole.ENCODER, GraphRole.DECODER)),
    /** Sohn et al. 2015: q(z|x,y) and p(x|z,y); both graphs take the condition y[N,A]. */
    CVAE("cvae", List.of(GraphRole.ENCODER, GraphRole.DECODER)),
    /**
     * van den Oord et al. 2017: x -> z_e[N,D,h,w] -> nearest codebook entries (indices[N,h,w], z_q) -> x_hat;
     * a grid latent and a categorical prior over codes instead of a Gaussian one.
     */
    VQVAE("vqvae", List.of(GraphRole.ENCODER, GraphRole.QUANTIZER, GraphRole.DECODER)),
    /**
     * Larsen et al. 2016: a VAE whose reconstruction is measured in the feature space of a GAN
     * discriminator; the bundle adds that discriminator, x -> logit[N,1] and the feature map.
     */
    VAEGAN("vaegan", List.of(GraphRole.ENCODER, GraphRole.DECODER, GraphRole.DISCRIMINATOR));

    private final String id;
    private final List<GraphRole> graphs;

    ModelFamily(String id, List<GraphRole> graphs) {
        this.id = id;
        this.graphs = graphs;
    }

    public String id() {
        return id;
    }

    /** Exactly the graphs a bundle of this family contains. */
    public List<GraphRole> graphs() {
        return graphs;
    }

    /** Whether the family's graphs take a condition input {@code y} (and its manifest has "conditioning"). */
    public boolean conditional() {
        return switch (this) {
            case VAE, BETA_VAE, CAPACITY_VAE, VQVAE, VAEGAN -> false;
            case CVAE -> true;
        };
    }

    /** Whether the latent is a grid of codebook indices (vqvae) rather than a Gaussian vector. */
    public boolean quantized() {
        return switch (this) {
            case VAE, BETA_VAE, CAPACITY_VAE, CVAE, VAEGAN -> false;
            case VQVAE -> true;
        };
    }

    public static ModelFamily fromId(String id) {
        for (ModelFamily f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model family '" + id + "', expected one of " + ids());
    }

    /** "vae, beta-vae, capacity-vae, cvae, vqvae, vaegan", for messages. */
    public static String ids() {
        return Arrays.stream(values()).map(ModelFamily::id).collect(Collectors.joining(", "));
    }
}
