package dev.vaeforge.trainer.vaegan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.nn.Scalars;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The three VAE-GAN losses of {@link VaeGan}'s output, each per image and then the batch mean (nats):
 * <pre>
 *   L_prior = KL(q(z|x) || N(0, I))
 *   L_llike = 1/2 sum (Dis_l(x) - Dis_l(x_tilde))^2     Gaussian -log p(Dis_l(x) | z), unit variance,
 *                                                      constants dropped, summed over the feature map
 *   L_disc  = bce(D(x), 1) + bce(D(x_tilde), 0) + bce(D(x_p), 0)
 *   encoder:       L_prior + L_llike
 *   decoder:       gamma L_llike + bce(D(x_tilde), 1) + bce(D(x_p), 1)
 *   discriminator: L_disc
 * </pre>
 * bce(l, 1) = softplus(-l) and bce(l, 0) = softplus(l) for a logit l. The decoder's adversarial term is
 * the non-saturating form of -L_GAN (Goodfellow et al. 2014): the generator maximises log D(G(z))
 * instead of minimising log(1 - D(G(z))), which has the same fixed point and does not vanish while the
 * discriminator wins, as it does early on. L_disc reads the logits of the discriminator's pass on
 * detached images ({@link VaeGan}'s output 5), the decoder's term those of the pass that leads back
 * into the decoder (output 3); their values are equal.
 *
 * <p>{@link LossTerms#total()} is the encoder's loss, a negative ELBO in the discriminator's feature
 * space: it is what the test split is scored with, so "best" checkpoints are the best encoders. The
 * feature space moves as the discriminator learns, so compare it between epochs with care; the
 * terms also hold the pixel-space reconstruction of the bundle's likelihood, which does not move.
 */
public final class VaeGanLoss implements Objective {
    /** The networks, in the order their losses are differentiated. */
    public static final List<String> NETWORKS = List.of("encoder", "decoder", "discriminator");
    /** Terms logged besides the reconstruction and the KL (batch means): pixel-space -log p(x|z) of the likelihood, D's loss, the decoder's adversarial term, D's loss on real and on generated images. */
    public static final List<String> EXTRAS = List.of("pixelRecon", "discLoss", "genLoss", "discReal", "discFake");

    private final VaeLoss pixel;
    private final double gamma;
    private final boolean balance;
    private final double equilibrium;
    private final double margin;

    public VaeGanLoss(VaeGanConfig config) {
        this.pixel = VaeLoss.of(config.architecture());
        this.gamma = config.gamma();
        this.balance = config.balance();
        this.equilibrium = config.equilibrium();
        this.margin = config.margin();
    }

    @Override
    public LossTerms compute(NDArray x, NDList outputs) {
        NDArray logits = outputs.get(0);
        long n = logits.getShape().get(0);
        NDArray perDim = VaeLoss.klPerDimension(outputs.get(1), outputs.get(2));
        NDArray kl = perDim.sum(new int[] {1});
        // the decoder's term on the logits that lead back into the decoder; the discriminator's own
        // loss on the same values from the pass that does not (output 5)
        NDList d = outputs.get(3).reshape(3, n).split(3);
        NDArray dRec = d.get(1).squeeze(0);
        NDArray dPrior = d.get(2).squeeze(0);
        NDList dd = outputs.get(5).reshape(3, n).split(3);
        NDArray ddx = dd.get(0).squeeze(0);
        NDArray ddRec = dd.get(1).squeeze(0);
        NDArray ddPrior = dd.get(2).squeeze(0);
        NDArray f = outputs.get(4);
        NDList fs = f.reshape(3, n, -1).split(3);
        // the real image's features carry no gradient any loss needs (D's loss does not use them)
        NDArray llike = Scalars.mul(fs.get(0).squeeze(0).stopGradient().sub(fs.get(1).squeeze(0)).square()
                .sum(new int[] {1}), 0.5);
        NDArray real = softplus(ddx.neg());
        NDArray fakeRec = softplus(ddRec);
        NDArray fakePrior = softplus(ddPrior);
        NDArray disc = real.add(fakeRec).add(fakePrior);
        NDArray gen = softplus(dRec.neg()).add(softplus(dPrior.neg()));
        NDArray encoder = kl.add(llike).mean();
        return LossTerms.builder(encoder)
                .term(LossTerms.RECONSTRUCTION, llike.mean())
                .term(LossTerms.KL, kl.mean())
                .term("pixelRecon", pixel.reconstructionPerImage(x, logits).mean())
                .term("discLoss", disc.mean())
                .term("genLoss", gen.mean())
                .term("discReal", real.mean())
                .term("discFake", Scalars.mul(fakeRec.add(fakePrior), 0.5).mean())
                .tensor(LossTerms.KL_PER_DIM, perDim.mean(new int[] {0}))
                .network("encoder", encoder)
                .network("decoder", Scalars.mul(llike, gamma).add(gen).mean())
                .network("discriminator", disc.mean())
                .build();
    }

    /**
     * The equilibrium rule of Larsen et al.'s code: the discriminator is not updated while its loss on
     * real or on generated images is below equilibrium - margin (it is winning), the decoder is not
     * updated while one of them is above equilibrium + margin (the discriminator is losing), and if
     * both would stop, both train. The encoder always trains.
     */
    @Override
    public Set<String> networksToUpdate(Set<String> networks, Map<String, Float> terms) {
        if (!balance) {
            return networks;
        }
        return decide(networks, terms.get("discReal"), terms.get("discFake"), equilibrium, margin);
    }

    static Set<String> decide(Set<String> networks, double real, double fake, double equilibrium, double margin) {
        boolean trainDisc = !(real < equilibrium - margin || fake < equilibrium - margin);
        boolean trainDec = !(real > equilibrium + margin || fake > equilibrium + margin);
        if (!trainDisc && !trainDec) {
            trainDisc = true;
            trainDec = true;
        }
        Set<String> out = new LinkedHashSet<>(networks);
        if (!trainDisc) {
            out.remove("discriminator");
        }
        if (!trainDec) {
            out.remove("decoder");
        }
        return out;
    }

    /** log(1 + exp(l)): the engine's fused softplus (log1p, linear above 20), accurate at both ends and one op. */
    static NDArray softplus(NDArray l) {
        return l.getNDArrayInternal().softPlus();
    }
}
