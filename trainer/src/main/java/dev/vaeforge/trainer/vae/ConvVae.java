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
 */
public final class ConvVae extends AbstractBlock {
    private static final byte VERSION = 1;
    private final VaeConfig config;
    private final ConvEncoder encoder;
    private final SequentialBlock decoder;

    /** The plain VAE's block around an architecture (beta-vae and capacity-vae use it too). */
    public ConvVae(Architecture architecture) {
        this(new VaeConfig(architecture));
    }

    public ConvVae(VaeConfig config) {
        super(VERSION);
        this.config = config;
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

    /** The input shape for {@link #initialize}: one batch of images. */
    public Shape inputShape(long batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList stats = encoder.forward(ps, inputs, training, params);
        NDArray mu = stats.get(0);
        NDArray logvar = stats.get(1);
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
        return new Shape[] {inputShape(n), latent, latent};
    }
}
