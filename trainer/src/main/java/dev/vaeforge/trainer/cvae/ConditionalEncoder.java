package dev.vaeforge.trainer.cvae;

import ai.djl.ndarray.NDArray;
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
 * q(z|x,y): (x[N,C,H,W], y[N,A]) -> (mu[N,D], logvar[N,D]). The convolutional body sees only x; y is
 * concatenated to its flattened features h[N,F], and the linear heads read [h, y] (decision 0009). The
 * exporter translates {@link #body()}, a Concat and the heads.
 */
public final class ConditionalEncoder extends AbstractBlock {
    private static final byte VERSION = 1;
    private final SequentialBlock body;
    private final Linear mu;
    private final Linear logvar;
    private final int latentDim;

    public ConditionalEncoder(List<Integer> widths, int latentDim) {
        super(VERSION);
        this.latentDim = latentDim;
        this.body = addChildBlock("body", ConvEncoder.buildBody(widths));
        this.mu = addChildBlock("mu", Linear.builder().setUnits(latentDim).build());
        this.logvar = addChildBlock("logvar", Linear.builder().setUnits(latentDim).build());
    }

    public SequentialBlock body() {
        return body;
    }

    public Linear muHead() {
        return mu;
    }

    public Linear logvarHead() {
        return logvar;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = body.forward(ps, new NDList(inputs.get(0)), training, params).singletonOrThrow();
        NDList hy = new NDList(h.concat(inputs.get(1), 1));
        return new NDList(mu.forward(ps, hy, training, params).singletonOrThrow(),
                logvar.forward(ps, hy, training, params).singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes[0]);
        Shape h = body.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        Shape hy = new Shape(h.get(0), h.get(1) + inputShapes[1].get(1));
        mu.initialize(manager, dataType, hy);
        logvar.initialize(manager, dataType, hy);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, latentDim), new Shape(n, latentDim)};
    }
}
