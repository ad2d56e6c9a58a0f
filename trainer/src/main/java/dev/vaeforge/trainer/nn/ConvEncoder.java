package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * x[N,C,H,W] -> (mu[N,D], logvar[N,D]): a body of stride-2 conv stages and two linear heads.
 * The exporter translates {@link #body()}, {@link #muHead()} and {@link #logvarHead()}.
 */
public final class ConvEncoder extends AbstractBlock {
    private static final byte VERSION = 1;
    private final SequentialBlock body;
    private final Linear mu;
    private final Linear logvar;
    private final int latentDim;

    public ConvEncoder(List<Integer> widths, int latentDim) {
        super(VERSION);
        this.latentDim = latentDim;
        this.body = addChildBlock("body", buildBody(widths));
        this.mu = addChildBlock("mu", Linear.builder().setUnits(latentDim).build());
        this.logvar = addChildBlock("logvar", Linear.builder().setUnits(latentDim).build());
    }

    /**
     * x[N,C,H,W] -> h[N,F]: per width a 3x3 stride-2 convolution, batch norm and LeakyReLU 0.2, then a
     * flatten. Shared with the families that put something between the body and the heads (cvae).
     */
    public static SequentialBlock buildBody(List<Integer> widths) {
        SequentialBlock b = buildStages(widths);
        b.add(new Flatten());
        return b;
    }

    /**
     * x[N,C,H,W] -> h[N,widths.last,H/2^s,W/2^s]: the convolutional stages of {@link #buildBody} without
     * the flatten, for families that keep a spatial latent grid (vqvae).
     */
    public static SequentialBlock buildStages(List<Integer> widths) {
        SequentialBlock b = new SequentialBlock();
        for (int w : widths) {
            b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1))
                    .setFilters(w).build());
            b.add(BatchNorm.builder().build());
            b.add(Activation.leakyRelu(0.2f));
        }
        return b;
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
        NDList h = body.forward(ps, inputs, training, params);
        NDList m = mu.forward(ps, h, training, params);
        NDList lv = logvar.forward(ps, h, training, params);
        return new NDList(m.singletonOrThrow(), lv.singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        Shape[] flat = body.getOutputShapes(inputShapes);
        mu.initialize(manager, dataType, flat);
        logvar.initialize(manager, dataType, flat);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, latentDim), new Shape(n, latentDim)};
    }
}
