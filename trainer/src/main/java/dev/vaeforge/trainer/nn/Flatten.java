package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Flattens [N, ...] to [N, prod(...)]; ONNX {@code Flatten(axis=1)}. */
public final class Flatten extends AbstractBlock {
    private static final byte VERSION = 1;

    public Flatten() {
        super(VERSION);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(x.reshape(x.getShape().get(0), -1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.size() / s.get(0))};
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
