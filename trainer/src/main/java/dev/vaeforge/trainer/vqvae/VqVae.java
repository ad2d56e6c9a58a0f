package dev.vaeforge.trainer.vqvae;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.ConvDecoder;
import dev.vaeforge.trainer.nn.ConvEncoder;
import java.util.List;

/**
 * The VQ-VAE block: x[N,C,H,W] -> [logits[N,C,H,W], z_e, z_q, indices[N,h,w]] (z_e and z_q [N,D,h,w]).
 * Encoder: the VAE's stride-2 conv + batch norm + LeakyReLU stages, then a 1x1 convolution to D
 * channels. Decoder: from the straight-through z_q, per stage nearest x2 upsampling, 3x3 convolution,
 * batch norm, LeakyReLU (widths reversed), and a 3x3 convolution to the image channels; the exported
 * decoder graph applies the sigmoid. Both are plain {@link SequentialBlock}s of block types the
 * exporter's {@code BlockTranslator} already knows.
 */
public final class VqVae extends AbstractBlock {
    private static final byte VERSION = 1;
    private final VqVaeConfig config;
    private final SequentialBlock encoder;
    private final VectorQuantizer quantizer;
    private final SequentialBlock decoder;

    public VqVae(VqVaeConfig config) {
        super(VERSION);
        this.config = config;
        this.encoder = addChildBlock("encoder", buildEncoder(config.widths(), config.codeDim()));
        this.quantizer = addChildBlock("quantizer", new VectorQuantizer(config.codebookSize(), config.codeDim(),
                config.ema(), config.emaDecay(), config.emaEpsilon(), config.deadCodeSteps()));
        this.decoder = addChildBlock("decoder", buildDecoder(config.widths(), config.channels()));
    }

    /** x -> z_e[N,D,h,w]. */
    public static SequentialBlock buildEncoder(List<Integer> widths, int codeDim) {
        SequentialBlock b = ConvEncoder.buildStages(widths);
        b.add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(codeDim).build());
        return b;
    }

    /** z_q[N,D,h,w] -> logits[N,C,H,W]. */
    public static SequentialBlock buildDecoder(List<Integer> widths, int channels) {
        return ConvDecoder.addUpStages(new SequentialBlock(), widths, channels);
    }

    public VqVaeConfig config() {
        return config;
    }

    public SequentialBlock encoder() {
        return encoder;
    }

    public VectorQuantizer quantizer() {
        return quantizer;
    }

    public SequentialBlock decoder() {
        return decoder;
    }

    /** One batch of images, for {@link #initialize}. */
    public Shape inputShape(long batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    /** z_e / z_q shape of a batch. */
    public Shape gridShape(long batch) {
        return new Shape(batch, config.codeDim(), config.gridSize(), config.gridSize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList ze = encoder.forward(ps, new NDList(inputs.get(0)), training, params);
        NDList q = quantizer.forward(ps, ze, training, params);
        NDList logits = decoder.forward(ps, new NDList(q.get(0)), training, params);
        return new NDList(logits.singletonOrThrow(), q.get(1), q.get(2), q.get(3));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        encoder.initialize(manager, dataType, inputShapes[0]);
        quantizer.initialize(manager, dataType, gridShape(n));
        decoder.initialize(manager, dataType, gridShape(n));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {inputShape(n), gridShape(n), gridShape(n),
                new Shape(n, config.gridSize(), config.gridSize())};
    }
}
