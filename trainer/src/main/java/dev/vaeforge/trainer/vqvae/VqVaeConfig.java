package dev.vaeforge.trainer.vqvae;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;

/**
 * VQ-VAE (van den Oord et al. 2017, "Neural Discrete Representation Learning"): the architecture's
 * convolutional stages without the flatten and linear heads, a 1x1 convolution to a grid of
 * {@code codeDim}-dimensional vectors z_e[N,D,h,w] (h = w = imageSize / 2^widths.size()), nearest
 * neighbour quantisation against a codebook of {@code codebookSize} entries with the straight-through
 * estimator, and a decoder of nearest upsampling + convolution stages from z_q[N,D,h,w]. The
 * architecture's latentDim is unused (set to 1, and not written to config.json).
 *
 * @param codebookSize K, 2..65536 (64 unless given: enough for 16x16..64x64 shapes grids, small enough
 *     that a few hundred steps use most codes)
 * @param codeDim D, 1..1024 (16 unless given)
 * @param commitment beta_c >= 0, the weight of ||z_e - sg[e]||^2 (0.25 unless given, the paper's value)
 * @param ema whether the codebook follows exponential moving averages of its assigned encoder outputs
 *     (the paper's appendix A.1) instead of the codebook loss term; then it is not a trainable parameter
 * @param emaDecay gamma in (0, 1) (0.99 unless given)
 * @param emaEpsilon the Laplace smoothing of the cluster sizes, > 0 (1e-5 unless given)
 * @param deadCodeSteps a code unused for this many consecutive training steps is restarted from a random
 *     encoder output of the current batch; 0 = never (50 unless given)
 */
public record VqVaeConfig(Architecture architecture, Integer codebookSize, Integer codeDim, Double commitment,
                          boolean ema, Double emaDecay, Double emaEpsilon, Integer deadCodeSteps) implements ModelConfig {

    public static final String FAMILY = "vqvae";
    public static final int DEFAULT_CODEBOOK_SIZE = 64;
    public static final int DEFAULT_CODE_DIM = 16;
    public static final double DEFAULT_COMMITMENT = 0.25;
    public static final double DEFAULT_EMA_DECAY = 0.99;
    public static final double DEFAULT_EMA_EPSILON = 1e-5;
    public static final int DEFAULT_DEAD_CODE_STEPS = 50;

    public VqVaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        // the latent is the code grid: latentDim means nothing here, and a config must equal itself read back
        architecture = architecture.latentDim() == 1 ? architecture : architecture.withLatentDim(1);
        codebookSize = codebookSize == null ? DEFAULT_CODEBOOK_SIZE : codebookSize;
        codeDim = codeDim == null ? DEFAULT_CODE_DIM : codeDim;
        commitment = commitment == null ? DEFAULT_COMMITMENT : commitment;
        emaDecay = emaDecay == null ? DEFAULT_EMA_DECAY : emaDecay;
        emaEpsilon = emaEpsilon == null ? DEFAULT_EMA_EPSILON : emaEpsilon;
        deadCodeSteps = deadCodeSteps == null ? DEFAULT_DEAD_CODE_STEPS : deadCodeSteps;
        if (codebookSize < 2 || codebookSize > 65536) {
            throw new IllegalArgumentException("codebook-size must be in 2..65536, got " + codebookSize);
        }
        if (codeDim < 1 || codeDim > 1024) {
            throw new IllegalArgumentException("code-dim must be in 1..1024, got " + codeDim);
        }
        if (!(commitment >= 0) || commitment.isInfinite()) {
            throw new IllegalArgumentException("commitment must be a number >= 0, got " + commitment);
        }
        if (!(emaDecay > 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("ema-decay must be in (0, 1), got " + emaDecay);
        }
        if (!(emaEpsilon > 0) || emaEpsilon.isInfinite()) {
            throw new IllegalArgumentException("ema epsilon must be a positive number, got " + emaEpsilon);
        }
        if (deadCodeSteps < 0) {
            throw new IllegalArgumentException("dead-code-steps must be >= 0 (0 = never restart), got " + deadCodeSteps);
        }
    }

    @Override
    public String family() {
        return FAMILY;
    }

    /** h = w of the code grid. */
    public int gridSize() {
        return architecture.bottleneckSize();
    }

}
