package dev.vaeforge.trainer.iwae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.nn.Scalars;
import dev.vaeforge.trainer.vae.VaeLoss;
import dev.vaeforge.trainer.prior.PriorTerms;

/**
 * The IWAE-K objective on {@code ConvVae}'s K-draw output [logits, mu, logvar, z, eps] (rows k*N + i),
 * in nats per image:
 * <pre>
 *   log w_ki = log p(x_i|z_ki) + log p(z_ki) - log q(z_ki|x_i)
 *   L_K     = -(1/N) sum_i [ logsumexp_k log w_ki - log K ]
 * </pre>
 * with log p(z) = -1/2 sum_d (z_d^2 + log 2 pi) and log q(z|x) = -1/2 sum_d (eps_d^2 + logvar_d + log 2 pi).
 * For K = 1 this is the single-sample negative ELBO with the same draw: -log p(x|z) + log q(z|x) -
 * log p(z), whose expectation is the VAE's recon + KL (the VAE's loss uses the KL in closed form).
 *
 * <p>Logged: the reconstruction (mean over draws), the closed-form KL (as for the VAE, so the columns
 * compare), "iwaeBound" (the IWAE-K bound, nats: -L_K), "elbo" (the mean of log w, the ELBO of the same
 * draws) and "ess" (the effective sample size 1 / sum_k wbar_k^2 of the normalised weights, 1..K).
 *
 * <p>With DReG the encoder gets its own surrogate, -(1/N) sum_i sum_k sg(wbar_ki^2) log w'_ki, where
 * log w' evaluates q with its mean and log-variance held fixed, so the encoder's gradient flows only
 * through z (Tucker et al. 2019, eq. 6); the decoder keeps L_K's gradient.
 */
public final class IwaeLoss implements Objective {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    public static final String BOUND = "iwaeBound";
    public static final String ELBO = "elbo";
    public static final String ESS = "ess";

    private final VaeLoss pixels;
    private final int samples;
    private final boolean dreg;

    public IwaeLoss(IwaeConfig config) {
        this.pixels = VaeLoss.of(config.architecture());
        this.samples = config.samples();
        this.dreg = config.dreg();
    }

    @Override
    public LossTerms compute(NDArray x, NDList outputs) {
        NDArray logits = outputs.get(0);
        NDArray mu = outputs.get(1);
        NDArray logvar = outputs.get(2);
        NDArray z = outputs.get(3);
        NDArray eps = outputs.get(4);
        long n = mu.getShape().get(0);
        long d = mu.getShape().get(1);
        long[] tile = new long[(int) x.getShape().dimension()];
        java.util.Arrays.fill(tile, 1);
        tile[0] = samples;
        NDArray recon = pixels.reconstructionPerImage(x.tile(tile), logits);            // [K*N]
        // [.., z, eps] against N(0, I); + [priorMu, priorLogvar] for a mixture; + [logPrior] for a flow
        boolean mixture = outputs.size() > 6;
        boolean flow = outputs.size() == 6;
        NDArray logPz = mixture
                ? PriorTerms.mixtureLogDensity(PriorTerms.componentLogDensities(z, outputs.get(5), outputs.get(6)))
                : flow ? outputs.get(5).sum(new int[] {1})
                : Scalars.mul(z.square().sum(new int[] {1}).add((float) (d * LOG_2PI)), -0.5);
        NDArray logvarK = logvar.tile(new long[] {samples, 1});
        NDArray logQ = Scalars.mul(eps.square().add(logvarK).sum(new int[] {1}).add((float) (d * LOG_2PI)), -0.5);
        NDArray logW = recon.neg().add(logPz).sub(logQ).reshape(samples, n);           // [K, N]

        NDArray bound = logMeanExp(logW);                                                // [N]
        NDArray loss = bound.neg().mean();
        NDArray normalised = logW.softmax(0);
        NDArray ess = normalised.square().sum(new int[] {0}).pow(-1);
        // the KL column: closed form against N(0, I); against a learned prior the Monte-Carlo term over the
        // K draws, log q(z|x) - log p(z) (its per-dimension diagnostic against the prior's marginals)
        NDArray perDim;
        NDArray klMean;
        if (flow) {
            perDim = PriorTerms.flowKl(z, mu.tile(new long[] {samples, 1}), logvarK, outputs.get(5)).perDimension();
            klMean = logQ.sub(logPz).mean();
        } else if (mixture) {
            NDArray logqPerDim = PriorTerms.gaussianLogDensity(z, mu.tile(new long[] {samples, 1}), logvarK);
            NDArray c = PriorTerms.componentLogDensities(z, outputs.get(5), outputs.get(6));
            perDim = logqPerDim.sub(PriorTerms.marginalLogDensities(c));
            klMean = logQ.sub(logPz).mean();
        } else {
            perDim = VaeLoss.klPerDimension(mu, logvar);
            klMean = perDim.sum(new int[] {1}).mean();
        }
        LossTerms.Builder b = LossTerms.builder(loss)
                .term(LossTerms.RECONSTRUCTION, recon.mean())
                .term(LossTerms.KL, klMean)
                .term(BOUND, bound.mean())
                .term(ELBO, logW.mean())
                .term(ESS, ess.mean())
                .tensor(LossTerms.KL_PER_DIM, perDim.mean(new int[] {0}));
        if (dreg) {
            b.network("encoder", encoderSurrogate(recon, logPz, z, mu, logvar, normalised, n))
                    .network("decoder", loss);
        }
        return b.build();
    }

    /** log (1/K) sum_k exp(a_k) over axis 0, with the maximum taken out (and held fixed) for stability. */
    static NDArray logMeanExp(NDArray a) {
        NDArray max = a.max(new int[] {0}, true).stopGradient();
        return a.sub(max).exp().mean(new int[] {0}).log().add(max.squeeze(0));
    }

    /** DReG's encoder surrogate: q's parameters held fixed in log q, the squared weights held fixed. */
    private NDArray encoderSurrogate(NDArray recon, NDArray logPz, NDArray z, NDArray mu, NDArray logvar,
                                     NDArray normalised, long n) {
        long d = mu.getShape().get(1);
        NDArray muK = mu.stopGradient().tile(new long[] {samples, 1});
        NDArray logvarK = logvar.stopGradient().tile(new long[] {samples, 1});
        NDArray standardised = z.sub(muK).square().div(logvarK.exp());
        NDArray logQFixed = Scalars.mul(standardised.add(logvarK).sum(new int[] {1}).add((float) (d * LOG_2PI)), -0.5);
        NDArray logW = recon.neg().add(logPz).sub(logQFixed).reshape(samples, n);
        NDArray weights = normalised.square().stopGradient();
        return weights.mul(logW).sum(new int[] {0}).neg().mean();
    }
}
