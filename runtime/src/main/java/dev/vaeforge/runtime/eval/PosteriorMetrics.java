package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The metrics read from each image's Gaussian posterior q(z|x): the KL against the prior, the
 * single-sample ELBO, the importance-sampled NLL ({@link ImportanceSampling}) with its bits per
 * dimension and standard error, and over all images the active units (Burda et al. 2016).
 */
final class PosteriorMetrics {
    /** Burda et al.'s criterion for an active latent dimension: Cov_x E_q[z_d] above this. */
    static final double ACTIVE_UNIT_THRESHOLD = 0.01;
    /** Latents decoded at once by the NLL, per image of a batch: bounds its memory whatever nll-samples. */
    static final int NLL_LATENTS_PER_BATCH_IMAGE = 4;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final VaeRuntime rt;
    private final EvalSettings settings;
    private final Prior prior;
    /** Each dimension's posterior means over the evaluated images. */
    private RunningStats[] meanStats;
    /** The mean KL split into MI and marginal KL; null when off or the prior has no density. */
    private final ElboSurgery surgery;

    /** A latent of several levels, or null. */
    private final dev.vaeforge.runtime.model.LevelsHead levels;
    /** Per level (top first): the KL of each image, summarised; null for a latent of one level. */
    private final RunningStats[] levelKl;

    PosteriorMetrics(VaeRuntime rt, EvalSettings settings) {
        this.rt = rt;
        this.levels = rt.model().levels().orElse(null);
        this.levelKl = levels == null ? null : new RunningStats[] {new RunningStats(), new RunningStats()};
        this.settings = settings;
        this.prior = rt.prior();
        this.surgery = settings.surgeryImages() > 0 && prior.hasDensity()
                && rt.model().latent().noKlReason() == null
                // the surgery's aggregate posterior is a mixture of the Gaussians q(z|x): not a flow posterior's
                && !rt.manifest().graphs().containsKey(dev.vaeforge.runtime.bundle.GraphRole.POSTERIOR_FLOW.key())
                ? new ElboSurgery(settings.surgeryImages(), settings.seed()) : null;
    }

    /** Whether the ELBO surgery is computed. */
    boolean surgeryEnabled() {
        return surgery != null;
    }

    /** The ELBO surgery of the posteriors seen, or null. */
    EvaluationResult.Surgery surgery() {
        return surgery == null ? null : surgery.result(prior);
    }

    /** Adds the batch's values of the requested metrics to {@code v} (per image) and its means to the active units. */
    void add(float[] x, float[] y, Posterior post, int[] indices, Map<MetricName, double[]> v) {
        if (levels != null) {
            addLevels(x, post, indices, v);
            return;
        }
        if (settings.has(MetricName.KL) || settings.has(MetricName.ELBO)) {
            float[] z = draw(post, indices);
            double[] kl;
            if (post.hasFlow()) {
                // a flow posterior: the Monte-Carlo log q_K(z_K|x) - log p(z_K), the ELBO decoding z_K
                int[] images = new int[post.n()];
                for (int i = 0; i < images.length; i++) {
                    images[i] = i;
                }
                Posterior.Flowed f = post.flow().apply(z, images);
                kl = flowKl(post, z, f);
                z = f.z();
            } else {
                kl = prior.closedFormKl() ? prior.kl(post) : monteCarloKl(post, z);
            }
            if (settings.has(MetricName.KL)) {
                v.put(MetricName.KL, kl);
            }
            if (settings.has(MetricName.ELBO)) {
                v.put(MetricName.ELBO, elbo(x, y, z, post.n(), kl));
            }
        }
        addMeans(post);
        if (surgery != null) {
            surgery.add(post, indices);
        }
        if (settings.nllSamples() > 0) {
            likelihood(x, y, post, indices, v);
        }
    }

    /**
     * A latent of two levels: the single-draw ELBO log p(x|z_b) - KL_t - KL_b with each level's KL in closed
     * form given the draw ({@link LevelsProposal#elbo}), the KL per level, and the importance-sampled NLL with
     * the hierarchy's q as proposal; {@code post} holds both levels' means (bottom first) for the active units.
     */
    private void addLevels(float[] x, Posterior post, int[] indices, Map<MetricName, double[]> v) {
        int n = post.n();
        LevelsProposal proposal = new LevelsProposal(levels, levels.bottomUp(x, n));
        if (settings.has(MetricName.KL) || settings.has(MetricName.ELBO)) {
            LevelsProposal.Draw d = proposal.elbo(settings.seed(), indices);
            double[] kl = new double[n];
            for (int i = 0; i < n; i++) {
                kl[i] = d.klTop()[i] + d.klBottom()[i];
            }
            synchronized (this) {
                for (int i = 0; i < n; i++) {
                    levelKl[0].add(d.klTop()[i]);
                    levelKl[1].add(d.klBottom()[i]);
                }
            }
            putIf(v, MetricName.KL, kl);
            if (settings.has(MetricName.ELBO)) {
                v.put(MetricName.ELBO, elbo(x, null, d.zBottom(), n, kl));
            }
        }
        addMeans(post);
        if (settings.nllSamples() > 0) {
            int per = rt.imageShape().size();
            ImportanceSampling.Estimate e = new ImportanceSampling(settings.nllSamples(), settings.seed(),
                    NLL_LATENTS_PER_BATCH_IMAGE * settings.batchSize()).estimate(x, n, per, indices, proposal,
                    (z, images, draws, first) -> rt.decode(z, null, images * draws),
                    ImportanceSampling.of(rt.manifest().likelihood()));
            putNll(v, e, n, per);
        }
    }

    /** One z ~ q(z|x) per image, seeded by (seed, image index). */
    private float[] draw(Posterior post, int[] indices) {
        int n = post.n();
        int d = post.dim();
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) {
            Random r = new Random(settings.seed() * 1_000_003L + indices[i]);
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                z[k] = (float) (post.mu()[k] + Math.exp(0.5 * post.logvar()[k]) * r.nextGaussian());
            }
        }
        return z;
    }

    /** A prior without a closed-form KL: the single-draw Monte-Carlo term log q(z|x) - log p(z) of the ELBO's z. */
    private double[] monteCarloKl(Posterior post, float[] z) {
        int n = post.n();
        int d = post.dim();
        double[] logp = prior.logDensity(z, n);
        double[] kl = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                double e = (z[k] - post.mu()[k]) * Math.exp(-0.5 * post.logvar()[k]);
                s += e * e + post.logvar()[k] + LOG_2PI;
            }
            kl[i] = -0.5 * s - logp[i];
        }
        return kl;
    }

    /** A flow posterior's single-draw KL: log q_0(z_0|x) - log det - log p(z_K), z_0 the draw of {@link #draw}. */
    private double[] flowKl(Posterior post, float[] z0, Posterior.Flowed f) {
        int n = post.n();
        int d = post.dim();
        double[] logp = prior.logDensity(f.z(), n);
        double[] kl = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                double e = (z0[k] - post.mu()[k]) * Math.exp(-0.5 * post.logvar()[k]);
                s += e * e + post.logvar()[k] + LOG_2PI;
            }
            kl[i] = -0.5 * s - f.logDet()[i] - logp[i];
        }
        return kl;
    }

    /** Single-sample Monte Carlo ELBO: log p(x|z) - KL with the draw z ~ q(z|x) of {@link #draw}. */
    private double[] elbo(float[] x, float[] y, float[] z, int n, double[] kl) {
        float[] p = rt.decode(z, y, n);
        int per = rt.imageShape().size();
        Manifest.Likelihood lik = rt.manifest().likelihood();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double logp = "gaussian".equals(lik.type())
                    ? LogLikelihood.gaussian(x, p, i * per, per, lik.sigma())
                    : LogLikelihood.bernoulli(x, p, i * per, per);
            out[i] = logp - kl[i];
        }
        return out;
    }

    /**
     * Importance-sampled -log p(x) of each image ({@link ImportanceSampling}: the encoder's q(z|x) as
     * proposal, draws seeded by (seed, image index)), in nats and bits per dimension, with its standard error.
     */
    private void likelihood(float[] x, float[] y, Posterior post, int[] indices, Map<MetricName, double[]> v) {
        int per = rt.imageShape().size();
        int a = y == null ? 0 : y.length / post.n();
        ImportanceSampling.PixelLikelihood logp = ImportanceSampling.of(rt.manifest().likelihood());
        ImportanceSampling.Decoder decoder = (z, images, draws, first) -> {
            float[] rows = null;
            if (y != null) {
                rows = new float[images * draws * a];
                for (int i = 0; i < images; i++) {
                    for (int s = 0; s < draws; s++) {
                        System.arraycopy(y, (first + i) * a, rows, (i * draws + s) * a, a);
                    }
                }
            }
            return rt.decode(z, rows, images * draws);
        };
        ImportanceSampling.Estimate e = new ImportanceSampling(settings.nllSamples(), settings.seed(),
                NLL_LATENTS_PER_BATCH_IMAGE * settings.batchSize()).estimate(x, post.n(), per, post.mu(), post.logvar(),
                post.dim(), indices, decoder, logp, ImportanceSampling.of(prior), post.flow());
        putNll(v, e, post.n(), per);
    }

    private void putNll(Map<MetricName, double[]> v, ImportanceSampling.Estimate e, int n, int per) {
        double[] nll = new double[n];
        double[] bpd = new double[n];
        for (int i = 0; i < nll.length; i++) {
            nll[i] = -e.logLikelihood()[i];
            bpd[i] = ImportanceSampling.bitsPerDimension(nll[i], per);
        }
        putIf(v, MetricName.NLL, nll);
        putIf(v, MetricName.BPD, bpd);
        putIf(v, MetricName.NLL_SE, e.standardError());
    }

    private void putIf(Map<MetricName, double[]> v, MetricName m, double[] values) {
        if (settings.has(m)) {
            v.put(m, values);
        }
    }

    private synchronized void addMeans(Posterior post) {
        if (meanStats == null) {
            meanStats = new RunningStats[post.dim()];
            for (int d = 0; d < meanStats.length; d++) {
                meanStats[d] = new RunningStats();
            }
        }
        for (int i = 0; i < post.n(); i++) {
            for (int d = 0; d < post.dim(); d++) {
                meanStats[d].add(post.mu()[i * post.dim() + d]);
            }
        }
    }

    /** Active units (Burda et al. 2016): dimensions whose posterior mean has a variance over the images above 0.01. */
    synchronized EvaluationResult.LatentUsage latentUsage() {
        return meanStats == null ? null : latentUsage(meanStats, levels, levelKl);
    }

    /**
     * Active units from each dimension's statistics of the posterior means over the evaluated images; with
     * {@code levels} (else null) also per level, with each level's mean KL from {@code levelKl} [top, bottom].
     */
    static EvaluationResult.LatentUsage latentUsage(RunningStats[] meanStats,
                                                    dev.vaeforge.runtime.model.LevelsHead levels,
                                                    RunningStats[] levelKl) {
        List<Double> variance = new ArrayList<>();
        int active = 0;
        for (RunningStats s : meanStats) {
            double std = s.summary().std();
            variance.add(std * std);
            if (std * std > ACTIVE_UNIT_THRESHOLD) {
                active++;
            }
        }
        if (levels == null) {
            return new EvaluationResult.LatentUsage(meanStats.length, active, ACTIVE_UNIT_THRESHOLD, variance);
        }
        // the means are bottom first ([bottom | top], LevelsHead#reconstruct); the levels are listed top first
        int db = levels.bottomSize();
        int dt = levels.topSize();
        int activeBottom = 0;
        for (int d = 0; d < db; d++) {
            activeBottom += variance.get(d) > ACTIVE_UNIT_THRESHOLD ? 1 : 0;
        }
        List<EvaluationResult.LatentUsage.Level> perLevel = List.of(
                new EvaluationResult.LatentUsage.Level(levels.topName(), dt, active - activeBottom,
                        levelKl[0].summary().count() == 0 ? Double.NaN : levelKl[0].summary().mean()),
                new EvaluationResult.LatentUsage.Level(levels.bottomName(), db, activeBottom,
                        levelKl[1].summary().count() == 0 ? Double.NaN : levelKl[1].summary().mean()));
        return new EvaluationResult.LatentUsage(meanStats.length, active, ACTIVE_UNIT_THRESHOLD, variance, perLevel);
    }
}
