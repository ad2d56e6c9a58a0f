package dev.vaeforge.runtime.eval;

import java.util.Random;

/**
 * Importance-sampled log-likelihood of a Gaussian-latent model with its encoder as proposal (Burda et
 * al. 2016): for each image, S draws z_s ~ q(z|x) = N(mu, diag exp(logvar)), log weights
 * log w_s = log p(x|z_s) + log p(z_s) − log q(z_s|x), and log p(x) ≈ log (1/S) Σ_s w_s, computed
 * with log-sum-exp. With the same draws the ELBO is the mean of log w_s, which is never above the
 * estimate (Jensen). The Monte-Carlo standard error of the estimate is the delta method's
 * sd(w) / (sqrt(S) mean(w)).
 *
 * <p>Draws are seeded per image (seed and the image's index), so an image's estimate does not depend on
 * how the data was batched; decoding runs in chunks of at most {@code maxLatents} latents, so memory is
 * bounded whatever S.
 */
public final class ImportanceSampling {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /**
     * The model's decoder: pixel means (or probabilities) of {@code images * draws} latents [rows, d], row
     * {@code i * draws + s} holding draw s of image {@code firstImage + i} (a conditional model decodes
     * each row with its image's condition).
     */
    @FunctionalInterface
    public interface Decoder {
        float[] decode(float[] z, int images, int draws, int firstImage);
    }

    /** log p(x|z) of image {@code x[xOffset ..]} given the decoder output {@code mean[offset ..]}. */
    @FunctionalInterface
    public interface PixelLikelihood {
        double logProbability(float[] x, int xOffset, float[] mean, int offset, int size);
    }

    /** log p(z) of latent {@code z[offset .. offset + d)} under the prior. */
    @FunctionalInterface
    public interface PriorDensity {
        double logProbability(float[] z, int offset, int d);

        /** log p(z) of each of the {@code rows} latents of {@code z} ([rows, d]); one call per decoded chunk. */
        default double[] logProbabilities(float[] z, int rows, int d) {
            double[] out = new double[rows];
            for (int r = 0; r < rows; r++) {
                out[r] = logProbability(z, r * d, d);
            }
            return out;
        }
    }

    /** The density of a bundle's prior ({@link dev.vaeforge.runtime.model.Prior#hasDensity()}), evaluated a chunk at a time. */
    public static PriorDensity of(dev.vaeforge.runtime.model.Prior prior) {
        if (!prior.hasDensity()) {
            throw new IllegalArgumentException("the prior " + prior.type() + " has no density over continuous latents");
        }
        return new PriorDensity() {
            @Override
            public double logProbability(float[] z, int offset, int d) {
                return prior.logDensity(java.util.Arrays.copyOfRange(z, offset, offset + d), 1)[0];
            }

            @Override
            public double[] logProbabilities(float[] z, int rows, int d) {
                return prior.logDensity(z.length == rows * d ? z : java.util.Arrays.copyOf(z, rows * d), rows);
            }
        };
    }

    /** log p(x|z) of a bundle's likelihood: Bernoulli on probabilities, or Gaussian with its fixed sigma. */
    public static PixelLikelihood of(dev.vaeforge.runtime.bundle.Manifest.Likelihood likelihood) {
        if ("gaussian".equals(likelihood.type())) {
            double sigma = likelihood.sigma();
            return (x, xo, mean, o, size) -> LogLikelihood.gaussian(x, xo, mean, o, size, sigma);
        }
        return LogLikelihood::bernoulli;
    }

    /** The standard normal prior N(0, I). */
    public static final PriorDensity STANDARD_NORMAL = (z, offset, d) -> {
        double s = 0;
        for (int j = offset; j < offset + d; j++) {
            s += z[j] * (double) z[j];
        }
        return -0.5 * (s + d * LOG_2PI);
    };

    /**
     * Per image: the estimate of log p(x) in nats, its standard error, and the ELBO of the same draws.
     */
    public record Estimate(double[] logLikelihood, double[] standardError, double[] elbo, int samples) {
    }

    private final int samples;
    private final long seed;
    private final int maxLatents;

    /**
     * @param samples S >= 1 draws per image
     * @param seed the draws of image i come from {@code new Random(seed * 1_000_003 + i)}
     * @param maxLatents the most latents decoded at once (>= 1)
     */
    public ImportanceSampling(int samples, long seed, int maxLatents) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (maxLatents < 1) {
            throw new IllegalArgumentException("maxLatents must be >= 1, got " + maxLatents);
        }
        this.samples = samples;
        this.seed = seed;
        this.maxLatents = maxLatents;
    }

    /**
     * Where the draws come from: q(z|x) as a proposal and the model's p(z) of each draw. A Gaussian latent
     * of one level is {@link #gaussian}; a latent of several levels draws every level and sums their terms.
     */
    public interface Proposal {
        /** Values per item of the latent the decoder takes. */
        int latentSize();

        /**
         * Draws {@code draws} latents for each of {@code images} images from {@code first} (row
         * {@code i * draws + s}: draw s of image first + i), taking image i's random numbers from
         * {@code rngs[first + i]} only, in row order; fills the decoder's latents {@code z} [rows, latentSize],
         * {@code logP} (log p of everything drawn) and {@code logQ} (its log q given the image).
         */
        void draw(int first, int images, int draws, Random[] rngs, float[] z, double[] logP, double[] logQ);
    }

    /** The single-level Gaussian proposal q(z|x) = N(mu, diag exp(logvar)) under {@code prior}. */
    public static Proposal gaussian(float[] mu, float[] logvar, int d, PriorDensity prior) {
        return gaussian(mu, logvar, d, prior, null);
    }

    /**
     * The Gaussian proposal followed by a flow posterior's steps ({@code flow}, null for none): z_K =
     * flow(z_0, context of its image) with log q_K(z_K|x) = log q_0(z_0|x) - log det, and p of z_K.
     */
    public static Proposal gaussian(float[] mu, float[] logvar, int d, PriorDensity prior,
                                    dev.vaeforge.runtime.ops.Posterior.Flow flow) {
        return new Proposal() {
            @Override
            public int latentSize() {
                return d;
            }

            @Override
            public void draw(int first, int images, int draws, Random[] rngs, float[] z, double[] logP, double[] logQ) {
                for (int i = 0; i < images; i++) {
                    Random r = rngs[first + i];
                    for (int s = 0; s < draws; s++) {
                        int row = i * draws + s;
                        double lq = 0;
                        for (int j = 0; j < d; j++) {
                            int k = (first + i) * d + j;
                            double e = r.nextGaussian();
                            z[row * d + j] = (float) (mu[k] + Math.exp(0.5 * logvar[k]) * e);
                            lq += e * e + logvar[k];
                        }
                        logQ[row] = -0.5 * (lq + d * LOG_2PI);
                    }
                }
                int m = images * draws;
                if (flow != null) {
                    int[] rows = new int[m];
                    for (int row = 0; row < m; row++) {
                        rows[row] = first + row / draws;
                    }
                    dev.vaeforge.runtime.ops.Posterior.Flowed f = flow.apply(z, rows);
                    System.arraycopy(f.z(), 0, z, 0, m * d);
                    for (int row = 0; row < m; row++) {
                        logQ[row] -= f.logDet()[row];
                    }
                }
                double[] p = prior.logProbabilities(z, m, d);
                System.arraycopy(p, 0, logP, 0, m);
            }
        };
    }

    /** log N(z; mu, diag exp(logvar)) of one vector, in double precision. */
    public static double gaussianLogDensity(float[] z, int zOffset, float[] mu, float[] logvar, int offset, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double e = (z[zOffset + j] - (double) mu[offset + j]) * Math.exp(-0.5 * logvar[offset + j]);
            s += e * e + logvar[offset + j];
        }
        return -0.5 * (s + d * LOG_2PI);
    }

    /**
     * @param x {@code n} images of {@code per} values each
     * @param mu posterior means [n, d]
     * @param logvar posterior log-variances [n, d]
     * @param firstIndex the index of image 0 in its dataset (seeds its draws)
     */
    public Estimate estimate(float[] x, int n, int per, float[] mu, float[] logvar, int d, int firstIndex,
                             Decoder decoder, PixelLikelihood likelihood, PriorDensity prior) {
        return estimate(x, n, per, mu, logvar, d, Evaluator.consecutive(firstIndex, n), decoder, likelihood, prior);
    }

    /**
     * @param indices each image's index in its dataset (seeds its draws), for batches whose images are not
     *     consecutive (a partition of a Spark job)
     */
    public Estimate estimate(float[] x, int n, int per, float[] mu, float[] logvar, int d, int[] indices,
                             Decoder decoder, PixelLikelihood likelihood, PriorDensity prior) {
        return estimate(x, n, per, mu, logvar, d, indices, decoder, likelihood, prior, null);
    }

    /**
     * As above with a flow posterior's steps ({@code flow}, null for the Gaussian): each draw z_0 goes
     * through the flow, the weight taking log q_K(z_K|x) = log q_0(z_0|x) - log det and decoding z_K.
     */
    public Estimate estimate(float[] x, int n, int per, float[] mu, float[] logvar, int d, int[] indices,
                             Decoder decoder, PixelLikelihood likelihood, PriorDensity prior,
                             dev.vaeforge.runtime.ops.Posterior.Flow flow) {
        return estimate(x, n, per, indices, gaussian(mu, logvar, d, prior, flow), decoder, likelihood);
    }

    /** As above with any {@link Proposal}: log w = log p(x|z) + log p - log q of each draw. */
    public Estimate estimate(float[] x, int n, int per, int firstIndex, Proposal proposal, Decoder decoder,
                             PixelLikelihood likelihood) {
        return estimate(x, n, per, Evaluator.consecutive(firstIndex, n), proposal, decoder, likelihood);
    }

    /** As above, image i seeded by {@code indices[i]}. */
    public Estimate estimate(float[] x, int n, int per, int[] indices, Proposal proposal, Decoder decoder,
                             PixelLikelihood likelihood) {
        int d = proposal.latentSize();
        double[][] logW = new double[n][samples];
        Random[] rngs = new Random[n];
        for (int i = 0; i < n; i++) {
            rngs[i] = new Random(seed * 1_000_003L + indices[i]);
        }
        int perChunk = Math.max(1, Math.min(samples, maxLatents / Math.max(1, n)));
        int imagesPerChunk = Math.min(n, Math.max(1, maxLatents / perChunk));
        for (int i0 = 0; i0 < n; i0 += imagesPerChunk) {
            int images = Math.min(imagesPerChunk, n - i0);
            for (int s0 = 0; s0 < samples; s0 += perChunk) {
                int draws = Math.min(perChunk, samples - s0);
                int m = images * draws;
                float[] z = new float[m * d];
                double[] logQ = new double[m];
                double[] logP = new double[m];
                proposal.draw(i0, images, draws, rngs, z, logP, logQ);
                float[] mean = decoder.decode(z, images, draws, i0);
                for (int i = 0; i < images; i++) {
                    for (int s = 0; s < draws; s++) {
                        int row = i * draws + s;
                        logW[i0 + i][s0 + s] = likelihood.logProbability(x, (i0 + i) * per, mean, row * per, per)
                                + logP[row] - logQ[row];
                    }
                }
            }
        }
        double[] ll = new double[n];
        double[] se = new double[n];
        double[] elbo = new double[n];
        for (int i = 0; i < n; i++) {
            double[] w = logW[i];
            double max = Double.NEGATIVE_INFINITY;
            double total = 0;
            for (double v : w) {
                max = Math.max(max, v);
                total += v;
            }
            double sum = 0;
            double squares = 0;
            for (double v : w) {
                double e = Math.exp(v - max);
                sum += e;
                squares += e * e;
            }
            double meanW = sum / samples;
            ll[i] = max + Math.log(meanW);
            elbo[i] = total / samples;
            double var = Math.max(0, squares / samples - meanW * meanW);
            se[i] = samples > 1 ? Math.sqrt(var * samples / (samples - 1) / samples) / meanW : Double.NaN;
        }
        return new Estimate(ll, se, elbo, samples);
    }

    /** Nats per image as bits per dimension: nats / (dimensions · ln 2). */
    public static double bitsPerDimension(double nats, int dimensions) {
        return nats / (dimensions * Math.log(2));
    }
}
