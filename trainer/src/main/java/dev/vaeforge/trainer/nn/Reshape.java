package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/** Reshapes [N, ...] to [N, dims...] keeping the batch dimension; ONNX {@code Reshape} with -1 first. */
public final class Reshape extends AbstractBlock {
    private static final byte VERSION = 1;
    private final long[] dims;

    public Reshape(long... dims) {
        super(VERSION);
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("Reshape dims must be positive, got " + Arrays.toString(dims));
            }
        }
        this.dims = dims.clone();
    }

    /** Target shape without the batch dimension. */
    public long[] dims() {
        return dims.clone();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(inputs.singletonOrThrow().reshape(withBatch(-1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {withBatch(inputShapes[0].get(0))};
    }

    private Shape withBatch(long n) {
        long[] s = new long[dims.length + 1];
        s[0] = n;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return new Shape(s);
    }

    @Override
    public String toString() {
        return "Reshape(" + Arrays.toString(dims) + ")";
    }
}
