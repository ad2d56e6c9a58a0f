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
import dev.vaeforge.trainer.nn.Activation;

/**
 * h[N,F] -> (mean[N,D], logvar[N,D]) through one hidden layer: Linear(H) and LeakyReLU 0.2, then two
 * linear heads. The ladder's top bottom-up level (d1 -> q(z2|x)) and its top-down prior (z2 -> p(z1|z2)).
 */
public final class GaussianLayer extends AbstractBlock {
    private static final byte VERSION = 1;
    private final SequentialBlock hidden;
    private final Linear mu;
    private final Linear logvar;
    private final int dim;

    public GaussianLayer(int hiddenUnits, int dim) {
        super(VERSION);
        this.dim = dim;
        this.hidden = addChildBlock("hidden", dense(hiddenUnits));
        this.mu = addChildBlock("mu", Linear.builder().setUnits(dim).build());
        this.logvar = addChildBlock("logvar", Linear.builder().setUnits(dim).build());
    }

    /** Linear(units) and LeakyReLU 0.2. */
    static SequentialBlock dense(int units) {
        return new SequentialBlock().add(Linear.builder().setUnits(units).build()).add(Activation.leakyRelu(0.2f));
    }

    public SequentialBlock hidden() {
        return hidden;
    }

    public Linear muHead() {
        return mu;
    }

    public Linear logvarHead() {
        return logvar;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = hidden.forward(ps, inputs, training, params);
        return new NDList(mu.forward(ps, h, training, params).singletonOrThrow(),
                logvar.forward(ps, h, training, params).singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        hidden.initialize(manager, dataType, inputShapes);
        Shape[] h = hidden.getOutputShapes(inputShapes);
        mu.initialize(manager, dataType, h);
        logvar.initialize(manager, dataType, h);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, dim), new Shape(n, dim)};
    }
}
