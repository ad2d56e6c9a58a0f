package dev.vaeforge.trainer.vaegan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.Activation;
import dev.vaeforge.trainer.nn.Flatten;
import java.util.List;

/**
 * The VAE-GAN discriminator: x[N,C,H,W] in [0,1] -> [logit[N,1], features[N,F,h,w]]. Stages up to
 * and including the feature layer form {@link #features()}; the remaining stages, a flatten and a
 * linear layer to one logit form {@link #head()}. Both are {@link SequentialBlock}s of block types the
 * exporter translates, so the exported graph is the same computation.
 */
public final class Discriminator extends AbstractBlock {
    private static final byte VERSION = 1;
    /** DJL's batch-norm defaults, spelt out because {@link #trainingLogitsLeavingStateAlone} repeats the op. */
    private static final float BN_MOMENTUM = 0.9f;
    private static final float BN_EPSILON = 1e-5f;
    private final VaeGanConfig config;
    private final SequentialBlock features;
    private final SequentialBlock head;

    public Discriminator(VaeGanConfig config) {
        super(VERSION);
        this.config = config;
        List<Integer> widths = config.discWidths();
        int l = config.featureLayer();
        this.features = addChildBlock("features", stages(widths, 0, l));
        SequentialBlock h = stages(widths, l, widths.size());
        h.add(new Flatten());
        h.add(Linear.builder().setUnits(1).build());
        this.head = addChildBlock("head", h);
    }

    /** Stages {@code from} (0-based) up to {@code to} exclusive: 4x4 stride-2 conv, batch norm but on stage 0, LeakyReLU 0.2. */
    private static SequentialBlock stages(List<Integer> widths, int from, int to) {
        SequentialBlock b = new SequentialBlock();
        for (int i = from; i < to; i++) {
            b.add(Conv2d.builder().setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1))
                    .setFilters(widths.get(i)).build());
            if (i > 0) {
                b.add(BatchNorm.builder().optMomentum(BN_MOMENTUM).optEpsilon(BN_EPSILON).build());
            }
            b.add(Activation.leakyRelu(0.2f));
        }
        return b;
    }

    /** x -> Dis_l(x), the feature map the reconstruction is measured on. */
    public SequentialBlock features() {
        return features;
    }

    /** Dis_l(x) -> logit[N,1]. */
    public SequentialBlock head() {
        return head;
    }

    /**
     * x -> logit[N,1] as {@code forward(..., training = true, ...)} computes it (batch norm by the
     * batch's own statistics), but batch norm gets copies of its running statistics, so the block's
     * state is left as it was. For a second pass over a batch the first pass has already counted:
     * updating the running statistics in place again would both count the batch twice and invalidate
     * the first pass's autograd graph, which saved them.
     */
    public NDArray trainingLogitsLeavingStateAlone(ParameterStore ps, NDArray x, PairList<String, Object> params) {
        NDList h = new NDList(x);
        for (SequentialBlock part : List.of(features, head)) {
            for (Pair<String, Block> child : part.getChildren()) {
                h = child.getValue() instanceof BatchNorm bn ? batchNormOnCopies(ps, bn, h.singletonOrThrow())
                        : child.getValue().forward(ps, h, true, params);
            }
        }
        return h.singletonOrThrow();
    }

    private static NDList batchNormOnCopies(ParameterStore ps, BatchNorm bn, NDArray in) {
        Device device = in.getDevice();
        PairList<String, Parameter> p = bn.getParameters();
        NDArray gamma = ps.getValue(p.get("gamma"), device, true);
        NDArray beta = ps.getValue(p.get("beta"), device, true);
        NDArray mean = ps.getValue(p.get("runningMean"), device, true).duplicate();
        NDArray var = ps.getValue(p.get("runningVar"), device, true).duplicate();
        mean.attach(in.getManager());
        var.attach(in.getManager());
        return BatchNorm.batchNorm(in, mean, var, gamma, beta, 1, BN_MOMENTUM, BN_EPSILON, true);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList f = features.forward(ps, new NDList(inputs.get(0)), training, params);
        NDList logit = head.forward(ps, f, training, params);
        return new NDList(logit.singletonOrThrow(), f.singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        features.initialize(manager, dataType, inputShapes[0]);
        head.initialize(manager, dataType, features.getOutputShapes(new Shape[] {inputShapes[0]}));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        long[] f = config.featureShape();
        return new Shape[] {new Shape(n, 1), new Shape(n, f[0], f[1], f[2])};
    }
}
