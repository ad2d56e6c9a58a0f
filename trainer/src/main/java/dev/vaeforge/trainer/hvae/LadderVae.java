package dev.vaeforge.trainer.hvae;

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
import dev.vaeforge.trainer.nn.Scalars;

/**
 * The two-level Ladder VAE block: x -> [logits, mu1, logvar1, mu2, logvar2, priorMu1, priorLogvar1].
 * <ol>
 * <li>bottom-up ({@link LadderEncoder}): (mu1_hat, logvar1_hat) and q(z2|x) = N(mu2, exp(logvar2));
 * <li>z2 = mu2 + exp(logvar2 / 2) eps2 in training, mu2 in inference;
 * <li>top-down ({@link GaussianLayer} "topdown"): p(z1|z2) = N(priorMu1, exp(priorLogvar1));
 * <li>precision weighting (Sønderby et al. 2016, eq. 17-18): with precisions a = exp(-logvar1_hat),
 *     b = exp(-priorLogvar1), q(z1|z2, x) has variance 1 / (a + b), so logvar1 = -log(a + b), and mean
 *     mu1 = (mu1_hat a + priorMu1 b) / (a + b);
 * <li>z1 = mu1 + exp(logvar1 / 2) eps1 in training, mu1 in inference; logits = decoder(z1).
 * </ol>
 * Noise comes from the engine's seeded generator, eps2 first. The combination has no parameters; the
 * runtime computes it from the manifest ({@code posterior: precision-weighted}, docs/BUNDLE.md).
 */
public final class LadderVae extends AbstractBlock {
    private static final byte VERSION = 1;
    private final HvaeConfig config;
    private final LadderEncoder encoder;
    private final GaussianLayer topDown;
    private final SequentialBlock decoder;

    public LadderVae(HvaeConfig config) {
        super(VERSION);
        this.config = config;
        var a = config.architecture();
        this.encoder = addChildBlock("encoder", new LadderEncoder(a.widths(), config.hidden(), config.dim(1),
                config.dim(2)));
        this.topDown = addChildBlock("topdown", new GaussianLayer(config.hidden(), config.dim(1)));
        this.decoder = addChildBlock("decoder", ConvDecoder.build(a.widths(), a.channels(), a.bottleneckSize()));
    }

    public HvaeConfig config() {
        return config;
    }

    public LadderEncoder encoder() {
        return encoder;
    }

    /** z2 -> p(z1|z2). */
    public GaussianLayer topDown() {
        return topDown;
    }

    /** z1 -> logits. */
    public SequentialBlock decoder() {
        return decoder;
    }

    /**
     * q(z1|z2, x) from the bottom-up estimate and the top-down prior: [mean, logvar], with
     * logvar = -log(exp(-logvarHat) + exp(-priorLogvar)) computed as -logaddexp(-logvarHat, -priorLogvar).
     */
    public static NDList precisionWeighted(NDArray muHat, NDArray logvarHat, NDArray priorMu, NDArray priorLogvar) {
        NDArray a = logvarHat.neg();
        NDArray b = priorLogvar.neg();
        NDArray m = a.maximum(b);
        NDArray logvar = m.add(a.sub(m).exp().add(b.sub(m).exp()).log()).neg();
        NDArray wHat = logvar.sub(logvarHat).exp();      // a / (a + b)
        NDArray wPrior = logvar.sub(priorLogvar).exp();  // b / (a + b)
        return new NDList(muHat.mul(wHat).add(priorMu.mul(wPrior)), logvar);
    }

    /**
     * For logs: images in [0, 1] decoded (inference mode) from top-level draws {@code z2} [n, D2] through the
     * mean of p(z1|z2): no noise is drawn, so the engine's random stream is untouched.
     */
    public NDArray decodeTopLevel(NDArray z2) {
        ParameterStore ps = new ParameterStore(z2.getManager(), false);
        NDList p = topDown.forward(ps, new NDList(z2), false, null);
        return ai.djl.nn.Activation.sigmoid(decoder.forward(ps, new NDList(p.get(0)), false).singletonOrThrow());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList up = encoder.forward(ps, inputs, training, params);
        NDArray mu2 = up.get(2);
        NDArray logvar2 = up.get(3);
        NDArray z2 = training ? draw(mu2, logvar2) : mu2;
        NDList prior = topDown.forward(ps, new NDList(z2), training, params);
        NDList q1 = precisionWeighted(up.get(0), up.get(1), prior.get(0), prior.get(1));
        NDArray z1 = training ? draw(q1.get(0), q1.get(1)) : q1.get(0);
        NDArray logits = decoder.forward(ps, new NDList(z1), training, params).singletonOrThrow();
        return new NDList(logits, q1.get(0), q1.get(1), mu2, logvar2, prior.get(0), prior.get(1));
    }

    private static NDArray draw(NDArray mu, NDArray logvar) {
        NDArray eps = mu.getManager().randomNormal(mu.getShape());
        return mu.add(Scalars.mul(logvar, 0.5).exp().mul(eps));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        long n = inputShapes[0].get(0);
        topDown.initialize(manager, dataType, new Shape(n, config.dim(2)));
        decoder.initialize(manager, dataType, new Shape(n, config.dim(1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        var a = config.architecture();
        Shape l1 = new Shape(n, config.dim(1));
        Shape l2 = new Shape(n, config.dim(2));
        return new Shape[] {new Shape(n, a.channels(), a.imageSize(), a.imageSize()), l1, l1, l2, l2, l1, l1};
    }
}
