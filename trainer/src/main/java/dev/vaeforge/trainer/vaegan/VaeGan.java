package dev.vaeforge.trainer.vaegan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.nn.ConvDecoder;
import dev.vaeforge.trainer.nn.ConvEncoder;
import dev.vaeforge.trainer.nn.Scalars;

/**
 * The VAE-GAN block, three networks as children "encoder", "decoder" and "discriminator" (parameter
 * names start with {@code 01encoder}, {@code 02decoder}, {@code 03discriminator}: the training step
 * routes each network's own loss to it by that prefix).
 *
 * <p>x[N,C,H,W] -> [logits[N,C,H,W], mu[N,D], logvar[N,D], dLogits[3N,1], dFeatures[3N,F,h,w],
 * dLogitsDetached[3N,1]]; the last holds the same values as dLogits but, while training, carries no
 * gradient into the decoder (the discriminator's loss is taken on it).
 * z = mu + exp(logvar/2) eps while training (z = mu in inference), z_p ~ N(0, I) from the engine's
 * seeded generator, and the decoder runs once on [z; z_p]. The discriminator runs once on
 * [x; x_tilde; x_p] (x_tilde = sigmoid of the reconstruction logits, x_p = sigmoid of the prior
 * sample's), so its batch norm sees one batch of real and generated images, and the feature map of a
 * real image and of its reconstruction are normalised alike. Rows 0..N-1 of the discriminator's
 * outputs are x's, N..2N-1 x_tilde's, 2N..3N-1 x_p's.
 */
public final class VaeGan extends AbstractBlock {
    private static final byte VERSION = 1;
    private final VaeGanConfig config;
    private final ConvEncoder encoder;
    private final SequentialBlock decoder;
    private final Discriminator discriminator;

    public VaeGan(VaeGanConfig config) {
        super(VERSION);
        this.config = config;
        Architecture a = config.architecture();
        this.encoder = addChildBlock("encoder", new ConvEncoder(a.widths(), a.latentDim()));
        this.decoder = addChildBlock("decoder", ConvDecoder.build(a.widths(), a.channels(), a.bottleneckSize()));
        this.discriminator = addChildBlock("discriminator", new Discriminator(config));
    }

    public VaeGanConfig config() {
        return config;
    }

    public ConvEncoder encoder() {
        return encoder;
    }

    /** z[N,D] -> logits[N,C,H,W]. */
    public SequentialBlock decoder() {
        return decoder;
    }

    public Discriminator discriminator() {
        return discriminator;
    }

    /** For logs and checks: images in [0, 1] decoded in inference mode from latents z [N, D]. */
    public NDArray decodeImages(NDArray z) {
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(z.getManager(), false);
        return ai.djl.nn.Activation.sigmoid(decoder.forward(ps, new NDList(z), false).singletonOrThrow());
    }

    public Shape inputShape(long batch) {
        return new Shape(config.imageShape().batchShape(batch));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        long n = x.getShape().get(0);
        NDList stats = encoder.forward(ps, new NDList(x), training, params);
        NDArray mu = stats.get(0);
        NDArray logvar = stats.get(1);
        NDArray z = mu;
        NDManager m = mu.getManager();
        if (training) {
            z = mu.add(Scalars.mul(logvar, 0.5).exp().mul(m.randomNormal(mu.getShape())));
        }
        NDArray zp = m.randomNormal(mu.getShape());
        NDArray logits = decoder.forward(ps, new NDList(NDArrays.concat(new NDList(z, zp))), training, params)
                .singletonOrThrow();
        NDList halves = logits.split(new long[] {n});
        NDArray generated = ai.djl.nn.Activation.sigmoid(logits);
        NDList d = discriminator.forward(ps, new NDList(NDArrays.concat(new NDList(x, generated))), training, params);
        NDArray forDisc = training ? logitsOnDetached(ps, x, generated, params) : d.get(0);
        return new NDList(halves.get(0), mu, logvar, d.get(0), d.get(1), forDisc);
    }

    /**
     * The discriminator's logits on [x; x_tilde; x_p] again, with the generated images cut from the
     * graph: the discriminator's own loss is taken on these, so its backward pass stops at the
     * discriminator instead of running on through the decoder (2N images) and the encoder, whose
     * gradients from that loss would be thrown away. Same inputs, weights and batch, so the logits
     * equal the first pass's; this pass leaves the batch-norm running statistics alone, so they move
     * once per step as before.
     */
    private NDArray logitsOnDetached(ParameterStore ps, NDArray x, NDArray generated, PairList<String, Object> params) {
        NDArray in = NDArrays.concat(new NDList(x, generated.stopGradient()));
        return discriminator.trainingLogitsLeavingStateAlone(ps, in, params);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        encoder.initialize(manager, dataType, inputShapes[0]);
        decoder.initialize(manager, dataType, new Shape(n, config.latentDim()));
        discriminator.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        Shape latent = new Shape(n, config.latentDim());
        long[] f = config.featureShape();
        return new Shape[] {inputShape(n), latent, latent, new Shape(3 * n, 1), new Shape(3 * n, f[0], f[1], f[2]),
            new Shape(3 * n, 1)};
    }
}
