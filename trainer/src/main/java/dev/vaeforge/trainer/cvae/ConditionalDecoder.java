package dev.vaeforge.trainer.cvae;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.ConvDecoder;
import java.util.List;

/**
 * p(x|z,y): (z[N,D], y[N,A]) -> logits[N,C,H,W]: the plain VAE's decoder ({@link ConvDecoder}) applied to
 * the concatenation [z, y]. The exporter translates a Concat and {@link #net()}.
 */
public final class ConditionalDecoder extends AbstractBlock {
    private static final byte VERSION = 1;
    private final SequentialBlock net;
    private final int channels;
    private final int imageSize;

    public ConditionalDecoder(List<Integer> widths, int channels, int imageSize, int bottleneck) {
        super(VERSION);
        this.channels = channels;
        this.imageSize = imageSize;
        this.net = addChildBlock("net", ConvDecoder.build(widths, channels, bottleneck));
    }

    /** [z, y][N, D + A] -> logits. */
    public SequentialBlock net() {
        return net;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return net.forward(ps, new NDList(inputs.get(0).concat(inputs.get(1), 1)), training, params);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        net.initialize(manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[0].get(1) + inputShapes[1].get(1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), channels, imageSize, imageSize)};
    }
}
