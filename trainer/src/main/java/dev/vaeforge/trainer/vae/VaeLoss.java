package dev.vaeforge.trainer.vae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.prior.PriorTerms;

/**
 * The negative ELBO of {@link ConvVae}'s output [logits, mu, logvar], in nats per image, as defined
 * in docs/ARCHITECTURE.md so that the runtime's ELBO of an exported bundle matches the training log.
 * Reconstruction works on logits: the Bernoulli term is the cross-entropy written so that
 * exp never overflows, which a sigmoid followed by log(p) does not guarantee.
 */
public final class VaeLoss implements Objective {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private final Likelihood likelihood;
    private final double sigma;

    /**
     * @param sigma the Gaussian likelihood's fixed standard deviation (ignored for Bernoulli)
     */
    public VaeLoss(Likelihood likelihood, double sigma) {
        if (likelihood == Likelihood.GAUSSIAN && !(sigma > 0)) {
            throw new IllegalArgumentException("gaussian sigma must be positive, got " + sigma);
        }
        this.likelihood = likelihood;
        this.sigma = sigma;
    }

    public static VaeLoss of(Architecture a) {
        return new VaeLoss(a.likelihood(), a.gaussianSigma());
    }

    public static VaeLoss of(VaeConfig config) {
        return of(config.architecture());
    }

    @Override
    public LossTerms compute(NDArray x, NDList outputs) {
        NDArray recon = reconstructionPerImage(x, outputs.get(0));
        PriorTerms.Kl kl = PriorTerms.kl(outputs);
        return kl.terms(recon.add(kl.perImage()).mean(), recon.mean(), kl.perImage().mean(),
                kl.perDimension().mean(new int[] {0}));
    }

    /**
     * -log p(x|z) per image [N], summed over channels and pixels.
     * Bernoulli: max(l,0) - l*x + log(1 + exp(-|l|)) = softplus(l) - l*x, with libtorch's softplus
     * (log1p(exp(l)), and l itself above 20, where they agree in float): three kernels on the logits
     * forward instead of nine, and half the time forward + backward (6.3-7.4 vs 11.3-12.5 ms at batch
     * 64, 3x64x64, one thread; docs/BENCHMARKS.md).
     * Gaussian: (x - sigmoid(l))^2 / (2 sigma^2) + 0.5 log(2 pi sigma^2).
     */
    public NDArray reconstructionPerImage(NDArray x, NDArray logits) {
        NDArray perPixel = switch (likelihood) {
            case BERNOULLI -> logits.getNDArrayInternal().softPlus().sub(logits.mul(x));
            case GAUSSIAN -> x.sub(logits.getNDArrayInternal().sigmoid()).square().mul(Scalars.of(x, 1 / (2 * sigma * sigma)))
                    .add((float) (0.5 * (LOG_2PI + Math.log(sigma * sigma))));
        };
        return perPixel.reshape(perPixel.getShape().get(0), -1).sum(new int[] {1});
    }

    /** KL(N(mu, exp(logvar)) || N(0, I)) per image [N] = sum 0.5 (mu^2 + exp(logvar) - logvar - 1). */
    public static NDArray klPerImage(NDArray mu, NDArray logvar) {
        return Scalars.mul(mu.square().add(logvar.exp()).sub(logvar).sub(1f).sum(new int[] {1}), 0.5);
    }

    /** The same per image and latent dimension [N, D]: 0.5 (mu^2 + exp(logvar) - logvar - 1). */
    public static NDArray klPerDimension(NDArray mu, NDArray logvar) {
        return Scalars.mul(mu.square().add(logvar.exp()).sub(logvar).sub(1f), 0.5);
    }
}
