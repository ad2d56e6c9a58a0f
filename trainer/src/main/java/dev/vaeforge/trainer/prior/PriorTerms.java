package dev.vaeforge.trainer.prior;

import ai.djl.ndarray.NDArray;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.nn.Scalars;

/**
 * The KL term of the ELBO against the model's prior, in DJL. Against the standard normal it has the
 * closed form; against a learned mixture prior p(z) = (1/K) sum_k N(z; m_k, diag exp(l_k)) (the
 * VampPrior, its components the encoder's posteriors of the pseudo-inputs) it is the Monte-Carlo term
 * log q(z|x) - log p(z) at the posterior sample z the decoder saw; against a flow prior
 * ({@link CouplingFlow}) the same Monte-Carlo term with the flow's log-density.
 */
public final class PriorTerms {
    private static final float LOG_2PI = (float) Math.log(2 * Math.PI);

    private PriorTerms() {
    }

    /**
     * The KL of each image [N] and its per-dimension diagnostic [N, D], from a single-draw block output:
     * [logits, mu, logvar] (the standard normal: closed form, the per-dimension KL summing to it) or
     * [logits, mu, logvar, z, priorMu, priorLogvar] (a learned mixture: log q(z|x) - log p(z) at the draw
     * z, and per dimension log q(z_d|x) - log p_d(z_d) against the prior's marginal, which does not sum
     * to the joint KL), or [logits, mu, logvar, z, logPrior] (a flow prior: {@link #flowKl}).
     */
    public static Kl kl(ai.djl.ndarray.NDList outputs) {
        NDArray mu = outputs.get(1);
        NDArray logvar = outputs.get(2);
        if (flowOutputs(outputs)) {
            // a flow posterior [logits, mu, logvar, z_K, log q_K(z_K|x), log det]: the Monte-Carlo KL
            // log q_K(z_K|x) - log N(z_K; 0, I) at the draw; per dimension, the base Gaussian's closed form
            NDArray zK = outputs.get(3);
            NDArray logp = gaussianLogDensity(zK, zK.zerosLike(), zK.zerosLike()).sum(new int[] {1});
            return new Kl(outputs.get(4).sub(logp), standardKlPerDimension(mu, logvar), outputs.get(5));
        }
        if (outputs.size() == 5) {
            // a flow prior [logits, mu, logvar, z, log p(z) per dimension]
            return flowKl(outputs.get(3), mu, logvar, outputs.get(4));
        }
        if (outputs.size() < 6) {
            NDArray perDim = standardKlPerDimension(mu, logvar);
            return new Kl(perDim.sum(new int[] {1}), perDim, null);
        }
        NDArray z = outputs.get(3);
        NDArray logq = gaussianLogDensity(z, mu, logvar);
        NDArray c = componentLogDensities(z, outputs.get(4), outputs.get(5));
        return new Kl(logq.sum(new int[] {1}).sub(mixtureLogDensity(c)), logq.sub(marginalLogDensities(c)), null);
    }

    /**
     * The Monte-Carlo KL against a flow prior at the draw z: log q(z|x) - log p(z) per image, with
     * {@code logPrior} [N, D] log p(z) split over dimensions ({@code CouplingFlow#logDensityPerDimension}:
     * log N(f(z)_d; 0, 1) plus the log-scales applied to dimension d), so the per-dimension diagnostic
     * log q(z_d|x) - logPrior_d sums to the KL.
     */
    public static Kl flowKl(NDArray z, NDArray mu, NDArray logvar, NDArray logPrior) {
        NDArray perDim = gaussianLogDensity(z, mu, logvar).sub(logPrior);
        return new Kl(perDim.sum(new int[] {1}), perDim, null);
    }

    /** Whether a block output is a flow posterior's: six arrays, the fifth log q_K per image [N]. */
    public static boolean flowOutputs(ai.djl.ndarray.NDList outputs) {
        return outputs.size() == 6 && outputs.get(4).getShape().dimension() == 1;
    }

    /**
     * An ELBO's KL term per image and its per-dimension diagnostic; with a flow posterior also the flow's
     * log-determinant per image (null otherwise).
     */
    public record Kl(NDArray perImage, NDArray perDimension, NDArray logDet) {
        /**
         * A VAE's loss terms ({@link LossTerms#gaussian}), with the batch-mean log-determinant as the
         * term {@value #LOG_DET} where the posterior is a flow.
         */
        public LossTerms terms(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim) {
            LossTerms t = LossTerms.gaussian(total, reconstruction, kl, klPerDim);
            if (logDet == null) {
                return t;
            }
            java.util.Map<String, NDArray> terms = new java.util.LinkedHashMap<>(t.terms());
            terms.put(LOG_DET, logDet.mean());
            return new LossTerms(t.total(), terms, t.tensors(), t.networks());
        }
    }

    /** The loss term of a flow posterior's mean log-determinant sum_k log |det df_k/dz_{k-1}| (nats). */
    public static final String LOG_DET = "logDet";

    /** KL(N(mu, exp(logvar)) || N(0, I)) per image and dimension [N, D]. */
    public static NDArray standardKlPerDimension(NDArray mu, NDArray logvar) {
        return Scalars.mul(mu.square().add(logvar.exp()).sub(logvar).sub(1f), 0.5);
    }

    /** log N(z; mu, exp(logvar)) per row and dimension [M, D] (rows of z matched to rows of mu). */
    public static NDArray gaussianLogDensity(NDArray z, NDArray mu, NDArray logvar) {
        NDArray e = z.sub(mu);
        return Scalars.mul(e.square().mul(logvar.neg().exp()).add(logvar).add(LOG_2PI), -0.5);
    }

    /**
     * log N(z_i; m_k, exp(l_k)) for every latent i and component k, per dimension [M, K, D]: the one
     * tensor both the joint density ({@link #mixtureLogDensity}) and the per-dimension marginals use.
     */
    public static NDArray componentLogDensities(NDArray z, NDArray means, NDArray logvars) {
        NDArray zi = z.expandDims(1);
        NDArray m = means.expandDims(0);
        NDArray l = logvars.expandDims(0);
        NDArray e = zi.sub(m);
        return Scalars.mul(e.square().mul(l.neg().exp()).add(l).add(LOG_2PI), -0.5);
    }

    /** log p(z) = logsumexp_k sum_d c[., k, d] - log K, per latent [M], from {@link #componentLogDensities}. */
    public static NDArray mixtureLogDensity(NDArray perComponentAndDim) {
        return logMeanExp(perComponentAndDim.sum(new int[] {2}), 1);
    }

    /**
     * The prior's marginal density in each dimension, log p_d(z_d) = logsumexp_k c[., k, d] - log K, per
     * latent and dimension [M, D]: the per-dimension diagnostic a learned prior's KL has (the joint KL is
     * not a sum over dimensions).
     */
    public static NDArray marginalLogDensities(NDArray perComponentAndDim) {
        return logMeanExp(perComponentAndDim, 1);
    }

    /** log (1/K) sum_k exp(x_k) along {@code axis}, stable. */
    public static NDArray logMeanExp(NDArray x, int axis) {
        long k = x.getShape().get(axis);
        NDArray max = x.max(new int[] {axis}, true).stopGradient();
        return x.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis)).sub((float) Math.log(k));
    }
}
