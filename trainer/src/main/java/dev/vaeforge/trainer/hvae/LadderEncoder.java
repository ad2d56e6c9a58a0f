package dev.vaeforge.trainer.hvae;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.ConvEncoder;
import java.util.List;

/**
 * The ladder's bottom-up deterministic pass: x -> d1 = LeakyReLU(Linear_H(conv body(x))), the bottom
 * level's likelihood estimate (mu1_hat, logvar1_hat) = heads(d1), and the top level's posterior
 * q(z2|x) = (mu2, logvar2) = {@link GaussianLayer}(d1). Outputs [mu1_hat, logvar1_hat, mu2, logvar2].
 */
public final class LadderEncoder extends AbstractBlock {
    private static final byte VERSION = 1;
    private final SequentialBlock body;
    private final Linear mu;
    private final Linear logvar;
    private final GaussianLayer up;
    private final int d1;
    private final int d2;

    public LadderEncoder(List<Integer> widths, int hidden, int d1, int d2) {
        super(VERSION);
        this.d1 = d1;
        this.d2 = d2;
        SequentialBlock b = ConvEncoder.buildBody(widths);
        b.add(Linear.builder().setUnits(hidden).build()).add(dev.vaeforge.trainer.nn.Activation.leakyRelu(0.2f));
        this.body = addChildBlock("body", b);
        this.mu = addChildBlock("mu", Linear.builder().setUnits(d1).build());
        this.logvar = addChildBlock("logvar", Linear.builder().setUnits(d1).build());
        this.up = addChildBlock("up", new GaussianLayer(hidden, d2));
    }

    /** x -> d1: the conv stages, flatten, Linear(H), LeakyReLU. */
    public SequentialBlock body() {
        return body;
    }

    public Linear muHead() {
        return mu;
    }

    public Linear logvarHead() {
        return logvar;
    }

    /** d1 -> q(z2|x). */
    public GaussianLayer up() {
        return up;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList d = body.forward(ps, inputs, training, params);
        NDList top = up.forward(ps, d, training, params);
        return new NDList(mu.forward(ps, d, training, params).singletonOrThrow(),
                logvar.forward(ps, d, training, params).singletonOrThrow(), top.get(0), top.get(1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        Shape[] d = body.getOutputShapes(inputShapes);
        mu.initialize(manager, dataType, d);
        logvar.initialize(manager, dataType, d);
        up.initialize(manager, dataType, d);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, d1), new Shape(n, d1), new Shape(n, d2), new Shape(n, d2)};
    }
}
