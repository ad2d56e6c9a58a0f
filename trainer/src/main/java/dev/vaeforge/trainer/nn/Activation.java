package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An element-wise activation as a named block type (not a lambda), so that the exporter can
 * translate it. {@code alpha} is the negative slope of {@link Kind#LEAKY_RELU} and unused otherwise.
 */
public final class Activation extends AbstractBlock {
    private static final byte VERSION = 1;

    /** The activations the exporter knows, with their ONNX operator names. */
    public enum Kind {
        RELU("Relu"), LEAKY_RELU("LeakyRelu"), SIGMOID("Sigmoid"), TANH("Tanh");

        private final String onnxOp;

        Kind(String onnxOp) {
            this.onnxOp = onnxOp;
        }

        public String onnxOp() {
            return onnxOp;
        }
    }

    private final Kind kind;
    private final float alpha;

    private Activation(Kind kind, float alpha) {
        super(VERSION);
        this.kind = kind;
        this.alpha = alpha;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU, 0f);
    }

    public static Activation leakyRelu(float alpha) {
        return new Activation(Kind.LEAKY_RELU, alpha);
    }

    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID, 0f);
    }

    public static Activation tanh() {
        return new Activation(Kind.TANH, 0f);
    }

    public Kind kind() {
        return kind;
    }

    public float alpha() {
        return alpha;
    }

    /** Applies this activation to one array (also usable outside a block tree). */
    public NDArray apply(NDArray x) {
        return switch (kind) {
            case RELU -> x.getNDArrayInternal().relu();
            // max(x, 0) + alpha * min(x, 0), written with primitives that every engine has
            case LEAKY_RELU -> x.getNDArrayInternal().leakyRelu(alpha);
            case SIGMOID -> x.getNDArrayInternal().sigmoid();
            case TANH -> x.tanh();
        };
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return kind == Kind.LEAKY_RELU ? "LeakyRelu(" + alpha + ")" : kind.onnxOp + "()";
    }
}
