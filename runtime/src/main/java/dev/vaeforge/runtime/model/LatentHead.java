package dev.vaeforge.runtime.model;

/**
 * The part of a model that maps images to a latent and back; chosen from the manifest's latent kind
 * ({@link GaussianHead} for a Gaussian latent, {@link CodeGridHead} for a grid of codes).
 */
public interface LatentHead {
    /** Whether the bundle has an encoder (a decoder-only bundle can sample but not reconstruct). */
    boolean canEncode();

    /** Each image through encoder and decoder by the head's point estimate (posterior mean, nearest codes). */
    Reconstruction reconstruct(float[] images, float[] y, int n);

    /** Images decoded from prior draws of the head's kind. */
    float[] decode(Prior.Draw draw, float[] y);

    /** The reconstruction as a formula, for reports: "decoder(posterior mean mu(x))". */
    String reconstructionText();

    /** What a generated sample x_g is compared with, for reports: "decoder(mu(x_g))". */
    String sampleCheckText();

    /** Why the KL and ELBO are not defined for this latent ("its posterior is ..."); null when they are. */
    String noKlReason();
}
