package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.ops.Posterior;
import java.util.Random;

/**
 * p(z): how latents are drawn for sampling, interpolation's neighbours and an evaluation's generation
 * metrics, how the ELBO's KL term is computed where it has a closed form, and how reports describe
 * the draws. Chosen from the manifest's {@code prior} ({@link Priors#of}), never from the family.
 */
public interface Prior {
    /** The manifest's prior type ("standard-normal", "codes-uniform", "codes-empirical"). */
    String type();

    /** The short name a user picks it by ("standard-normal", "uniform", "empirical"). */
    String id();

    /** How one draw is made, for reports: "z ~ N(0, I)". */
    String description();

    /** The density in formulas: "N(0, I)". */
    String notation();

    /** {@code n} draws, reproducible by {@code random}'s seed. */
    Draw sample(int n, Random random);

    /**
     * Draws for items handed out in consecutive chunks (an evaluation's generation samples), reproducible by
     * {@code seed}: by default one random stream over all chunks.
     */
    default Draws draws(long seed) {
        Random r = new Random(seed);
        return (from, count) -> sample(count, r);
    }

    /** Whether {@link #kl} has a closed form for a Gaussian posterior (the ELBO's KL term). */
    default boolean closedFormKl() {
        return false;
    }

    /** KL(q(z|x) || p(z)) in nats per item; only where {@link #closedFormKl()}. */
    default double[] kl(Posterior posterior) {
        throw new UnsupportedOperationException("the prior " + type() + " has no closed-form KL");
    }

    /** Whether {@link #logDensity} is defined: a density over continuous latents. */
    default boolean hasDensity() {
        return false;
    }

    /**
     * log p(z) in nats of each of the {@code n} latents in {@code z} ([n, size], row-major); only where
     * {@link #hasDensity()}.
     */
    default double[] logDensity(float[] z, int n) {
        throw new UnsupportedOperationException("the prior " + type() + " has no density over continuous latents");
    }

    /** A source of draws for chunk {@code [from, from + count)}. */
    @FunctionalInterface
    interface Draws {
        Draw next(int from, int count);
    }

    /**
     * {@code n} prior draws: continuous latents [n, size] (a Gaussian prior) or code grids [n, positions]
     * (a prior over codes); exactly one of the two is set.
     */
    record Draw(float[] latents, long[] codes, int n) {
        public Draw {
            if ((latents == null) == (codes == null)) {
                throw new IllegalArgumentException("a draw holds either latents or codes");
            }
        }
    }

    /** For {@link #logDensity}: {@code z} holds {@code n} latents of {@code size} values, else an IllegalArgumentException. */
    static void checkLatents(float[] z, int n, int size) {
        if (z.length != (long) n * size) {
            throw new IllegalArgumentException(n + " latents of " + size + " values need " + (long) n * size
                    + " values, got " + z.length);
        }
    }
}
