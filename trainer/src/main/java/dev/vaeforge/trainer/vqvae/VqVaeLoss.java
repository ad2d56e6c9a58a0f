package dev.vaeforge.trainer.vqvae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.vae.VaeLoss;

/**
 * The VQ-VAE objective of {@link VqVae}'s output [logits, z_e, z_q, indices], per image, batch mean:
 * <pre>
 *   recon + ||sg[z_e] - e||^2 + beta_c ||z_e - sg[e]||^2
 * </pre>
 * recon is the bundle likelihood's -log p(x|z_q) summed over pixels and channels (as for the VAE). The
 * codebook and commitment terms are <b>summed</b> over the code grid's positions and dimensions of each
 * image, like recon, which is the paper's equation 3 taken literally (squared L2 norms of the whole
 * latent, per image). Averaging them over the D*h*w elements (as PyTorch's {@code F.mse_loss} in common
 * implementations does) while recon is a per-image sum would shrink them by D*h*w (256 on 16x16
 * shapes with D = 16) relative to recon; with both summed, their ratio is that of implementations that
 * average both (the per-element means differ only by the element counts of image and grid).
 *
 * <p>With EMA codebook updates the codebook term has no gradient (the codebook is not a parameter) and
 * is left out of the total; it is still reported. The term {@link #VQ} is the total VQ term (codebook +
 * beta_c commitment, or beta_c commitment with EMA); it fills the KL column of the metrics, as VQ-VAE has no KL.
 */
public final class VqVaeLoss implements Objective {
    /** The name of the codebook + commitment term. */
    public static final String VQ = "vq";

    private final VaeLoss reconstruction;
    private final double commitment;
    private final boolean ema;

    public VqVaeLoss(VqVaeConfig config) {
        this.reconstruction = new VaeLoss(config.likelihood(), config.gaussianSigma());
        this.commitment = config.commitment();
        this.ema = config.ema();
    }

    /** The per-image terms [N] of a forward output: recon, codebook, commitment. */
    public NDList perImage(NDArray x, NDList outputs) {
        NDArray recon = reconstruction.reconstructionPerImage(x, outputs.get(0));
        NDArray ze = outputs.get(1);
        NDArray zq = outputs.get(2);
        NDArray codebook = sumPerImage(ze.stopGradient().sub(zq).square());
        NDArray commit = sumPerImage(ze.sub(zq.stopGradient()).square());
        return new NDList(recon, codebook, commit);
    }

    @Override
    public LossTerms compute(NDArray x, NDList outputs) {
        NDList t = perImage(x, outputs);
        NDArray vq = Scalars.mul(t.get(2), commitment);
        if (!ema) {
            vq = vq.add(t.get(1));
        }
        NDArray recon = t.get(0);
        return LossTerms.builder(recon.add(vq).mean()).term(LossTerms.RECONSTRUCTION, recon.mean()).term(VQ, vq.mean())
                .tensor(LossTerms.CODES, outputs.get(3)).build();
    }

    private static NDArray sumPerImage(NDArray a) {
        return a.reshape(a.getShape().get(0), -1).sum(new int[] {1});
    }
}
