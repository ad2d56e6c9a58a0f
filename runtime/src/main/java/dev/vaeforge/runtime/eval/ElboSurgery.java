package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.model.MixturePrior;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * "ELBO surgery" (Hoffman and Johnson 2016): the average KL term of the ELBO splits exactly into the
 * mutual information between x and z under q and the KL from the aggregate posterior to the prior,
 * <pre>
 *   (1/n) sum_i KL(q(z|x_i) || p(z)) = I_q[x; z] + KL(q(z) || p(z)),   q(z) = (1/n) sum_i q(z|x_i).
 * </pre>
 * <b>Estimator.</b> A seeded subsample of at most {@code capacity} of the evaluated posteriors is kept
 * (the images with the smallest hash of (seed, image index): the same images whatever the batch size,
 * thread order or device). Over those K posteriors, q(z) is their mixture; one z_i ~ q(z|x_i) is drawn
 * per kept image (seeded by (seed, image index)), and
 * <pre>
 *   I  = (1/K) sum_i [log q(z_i|x_i) - log q(z_i)]     marginal KL = (1/K) sum_i [log q(z_i) - log p(z_i)]
 * </pre>
 * with {@code log q(z_i) = logsumexp_j log q(z_i|x_j) - log K} (K^2 posterior densities, in parallel,
 * memory K x D; the mixture's density is {@link MixturePrior}'s). Their sum is the Monte-Carlo KL of
 * the same draws, so the identity holds exactly against it and within its standard error against the closed-form mean KL. The mixture estimator bounds I by
 * log K (each z_i is at least as likely under its own component as under the mixture's 1/K share), so the
 * subsample must be large against exp(I); the result says how close I came to that bound.
 */
final class ElboSurgery {
    private final int capacity;
    private final long seed;
    /** The kept posteriors, the one with the largest priority first (the next to be evicted). */
    private final PriorityQueue<Kept> kept = new PriorityQueue<>(Comparator.comparingLong(Kept::priority).reversed());
    private long seen;
    private int dim = -1;

    private record Kept(int index, long priority, float[] mu, float[] logvar) {
    }

    /** @param capacity how many posteriors at most form the mixture (its cost grows with the square) */
    ElboSurgery(int capacity, long seed) {
        if (capacity < 2) {
            throw new IllegalArgumentException("the aggregate posterior needs at least 2 posteriors, got " + capacity);
        }
        this.capacity = capacity;
        this.seed = seed;
    }

    /** Offers every posterior of a batch whose first image has index {@code firstIndex}. */
    void add(Posterior post, int firstIndex) {
        add(post, Evaluator.consecutive(firstIndex, post.n()));
    }

    /** Offers every posterior of a batch; {@code indices} holds each image's index in its dataset. */
    synchronized void add(Posterior post, int[] indices) {
        int d = post.dim();
        if (dim < 0) {
            dim = d;
        } else if (dim != d) {
            throw new IllegalArgumentException("posteriors of " + d + " dimensions after " + dim);
        }
        for (int i = 0; i < post.n(); i++) {
            seen++;
            int index = indices[i];
            long priority = mix(seed * 0x9E3779B97F4A7C15L + index);
            if (kept.size() == capacity && kept.peek().priority() <= priority) {
                continue;
            }
            float[] mu = new float[d];
            float[] lv = new float[d];
            System.arraycopy(post.mu(), i * d, mu, 0, d);
            System.arraycopy(post.logvar(), i * d, lv, 0, d);
            kept.add(new Kept(index, priority, mu, lv));
            if (kept.size() > capacity) {
                kept.poll();
            }
        }
    }

    /**
     * The decomposition against {@code prior}, or null when fewer than two posteriors were seen or the
     * prior has no density to evaluate.
     */
    synchronized EvaluationResult.Surgery result(Prior prior) {
        if (kept.size() < 2 || !prior.hasDensity()) {
            return null;
        }
        List<Kept> rows = new ArrayList<>(kept);
        rows.sort(Comparator.comparingInt(Kept::index));
        int k = rows.size();
        int d = dim;
        float[] means = new float[k * d];
        float[] logvars = new float[k * d];
        float[] z = new float[k * d];
        double[] selfLog = new double[k];
        for (int j = 0; j < k; j++) {
            Kept r = rows.get(j);
            System.arraycopy(r.mu(), 0, means, j * d, d);
            System.arraycopy(r.logvar(), 0, logvars, j * d, d);
            Random random = new Random(seed * 1_000_033L + r.index());
            double q = 0;
            for (int t = 0; t < d; t++) {
                double e = random.nextGaussian();
                z[j * d + t] = (float) (r.mu()[t] + Math.exp(0.5 * r.logvar()[t]) * e);
                double diff = z[j * d + t] - r.mu()[t];
                q += diff * diff * Math.exp(-r.logvar()[t]) + r.logvar()[t];
            }
            selfLog[j] = -0.5 * (d * Math.log(2 * Math.PI) + q);
        }
        // q(z) is the mixture of the K posteriors: the same density a learned mixture prior has
        double[] mixLog = new MixturePrior(k, d, means, logvars, null).logDensity(z, k);
        double logK = Math.log(k);
        double[] logp = prior.logDensity(z, k);
        RunningStats mi = new RunningStats();
        RunningStats marginal = new RunningStats();
        RunningStats mcKl = new RunningStats();
        for (int i = 0; i < k; i++) {
            mi.add(selfLog[i] - mixLog[i]);
            marginal.add(mixLog[i] - logp[i]);
            mcKl.add(selfLog[i] - logp[i]);
        }
        Double closed = null;
        if (prior.closedFormKl()) {
            double sum = 0;
            for (double v : prior.kl(new Posterior(means, logvars, k, d))) {
                sum += v;
            }
            closed = sum / k;
        }
        return new EvaluationResult.Surgery(k, seen, closed, estimate(mcKl), estimate(mi), estimate(marginal), logK,
                prior.notation(), description(k));
    }

    private static EvaluationResult.Surgery.Estimate estimate(RunningStats s) {
        RunningStats.Summary v = s.summary();
        return new EvaluationResult.Surgery.Estimate(v.mean(), v.std() / Math.sqrt(v.count() - 1));
    }

    private String description(int k) {
        return "ELBO surgery (Hoffman & Johnson 2016) over " + k + " posteriors (a seeded subsample: the images with "
                + "the smallest hash of (seed, index), at most " + capacity + "): q(z) is the mixture of those "
                + k + " Gaussian posteriors, one z_i ~ q(z|x_i) per image seeded by (seed, image index); "
                + "MI = mean of log q(z_i|x_i) - log q(z_i), marginal KL = mean of log q(z_i) - log p(z_i), "
                + "their sum the Monte-Carlo KL of the same draws; each with its standard error over the " + k
                + " images; MI cannot exceed log K = " + String.format(java.util.Locale.ROOT, "%.4f", Math.log(k));
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash. */
    private static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }
}
