package dev.vaeforge.trainer.vae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.ConvDecoder;
import dev.vaeforge.trainer.nn.ConvEncoder;
import dev.vaeforge.trainer.family.Architecture;

/**
 * The VAE block: x -> [logits, mu, logvar]. While training z = mu + exp(logvar / 2) * eps with
 * eps ~ N(0, I) from the engine's seeded generator; in inference z = mu (posterior mean).
 *
 * <p>With {@code samples} K >= 1 (importance-weighted objectives) the block draws K latents per image in
 * training and in inference alike and returns [logits, mu, logvar, z, eps]: z and eps are [K*N, D] and
 * logits [K*N, C, H, W], row k*N + i holding draw k of image i. The parameters are the same as the
 * plain block's, so both export alike.
 */
public final class ConvVae extends AbstractBlock {
    private static final byte VERSION = 1;
    private final VaeConfig config;
    private final ConvEncoder encoder;
    private final SequentialBlock decoder;
    /** Draws per image for an importance-weighted objective; 0 for the plain VAE's one draw in training. */
    private final int samples;

    /** The plain VAE's block around an architecture (beta-vae and capacity-vae use it too). */
    public ConvVae(Architecture architecture) {
        this(new VaeConfig(architecture));
    }

    public ConvVae(VaeConfig config) {
        this(config, 0);
    }

    /**
     * @param samples K >= 1 latent draws per image, always, with z and eps among the outputs; 0 for the
     *     plain VAE
     */
    public ConvVae(VaeConfig config, int samples) {
        super(VERSION);
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
        this.config = config;
        this.samples = samples;
        this.encoder = addChildBlock("encoder", new ConvEncoder(config.widths(), config.latentDim()));
        this.decoder = addChildBlock("decoder",
                ConvDecoder.build(config.widths(), config.channels(), config.bottleneckSize()));
    }

    public VaeConfig config() {
        return config;
    }

    public ConvEncoder encoder() {
        return encoder;
    }

    /** z[N,D] -> logits[N,C,H,W]. */
    public SequentialBlock decoder() {
        return decoder;
    }

    /** For logs and checks: images in [0, 1] decoded in inference mode from latents z [N, D]. */
    public NDArray decodeImages(NDArray z) {
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(z.getManager(), false);
        return ai.djl.nn.Activation.sigmoid(decoder.forward(ps, new NDList(z), false).singletonOrThrow());
    }

    /** The input shape for {@link #initialize}: one batch of images. */
    public Shape inputShape(long batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList stats = encoder.forward(ps, inputs, training, params);
        NDArray mu = stats.get(0);
        NDArray logvar = stats.get(1);
        if (samples > 0) {
            long n = mu.getShape().get(0);
            NDArray eps = mu.getManager().randomNormal(new Shape(samples * n, mu.getShape().get(1)));
            NDArray std = Scalars.mul(logvar, 0.5).exp();
            NDArray z = mu.tile(new long[] {samples, 1}).add(std.tile(new long[] {samples, 1}).mul(eps));
            NDArray logits = decoder.forward(ps, new NDList(z), training, params).singletonOrThrow();
            return new NDList(logits, mu, logvar, z, eps);
        }
        NDArray z = mu;
        if (training) {
            NDArray eps = mu.getManager().randomNormal(mu.getShape());
            z = mu.add(Scalars.mul(logvar, 0.5).exp().mul(eps));
        }
        NDArray logits = decoder.forward(ps, new NDList(z), training, params).singletonOrThrow();
        return new NDList(logits, mu, logvar);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.latentDim()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        Shape latent = new Shape(n, config.latentDim());
        if (samples > 0) {
            Shape draws = new Shape(samples * n, config.latentDim());
            return new Shape[] {inputShape(samples * n), latent, latent, draws, draws};
        }
        return new Shape[] {inputShape(n), latent, latent};
    }
}
