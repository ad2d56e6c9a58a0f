package dev.vaeforge.trainer.cvae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The conditional VAE block: (x, y) -> [logits, mu, logvar], the same outputs as {@code ConvVae}, so
 * the VAE's loss applies unchanged (it is then the negative conditional ELBO). While training
 * z = mu + exp(logvar / 2) * eps from the engine's seeded generator; in inference z = mu.
 */
public final class ConditionalVae extends AbstractBlock {
    private static final byte VERSION = 1;
    private final CvaeConfig config;
    private final ConditionalEncoder encoder;
    private final ConditionalDecoder decoder;

    public ConditionalVae(CvaeConfig config) {
        super(VERSION);
        this.config = config;
        this.encoder = addChildBlock("encoder", new ConditionalEncoder(config.widths(), config.latentDim()));
        this.decoder = addChildBlock("decoder", new ConditionalDecoder(config.widths(), config.channels(),
                config.imageSize(), config.architecture().bottleneckSize()));
    }

    public CvaeConfig config() {
        return config;
    }

    public ConditionalEncoder encoder() {
        return encoder;
    }

    public ConditionalDecoder decoder() {
        return decoder;
    }

    /** The input shapes for {@link #initialize}: one batch of images and their conditions. */
    public Shape[] inputShapes(long batch) {
        return new Shape[] {new Shape(batch, config.channels(), config.imageSize(), config.imageSize()),
            new Shape(batch, config.condition().dim())};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("a cvae takes (x, y), got " + inputs.size() + " input(s)");
        }
        NDArray y = inputs.get(1);
        NDList stats = encoder.forward(ps, inputs, training, params);
        NDArray mu = stats.get(0);
        NDArray logvar = stats.get(1);
        NDArray z = mu;
        if (training) {
            NDArray eps = mu.getManager().randomNormal(mu.getShape());
            z = mu.add(Scalars.mul(logvar, 0.5).exp().mul(eps));
        }
        NDArray logits = decoder.forward(ps, new NDList(z, y), training, params).singletonOrThrow();
        return new NDList(logits, mu, logvar);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.latentDim()), inputShapes[1]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        Shape latent = new Shape(n, config.latentDim());
        return new Shape[] {new Shape(n, config.channels(), config.imageSize(), config.imageSize()), latent, latent};
    }
}
