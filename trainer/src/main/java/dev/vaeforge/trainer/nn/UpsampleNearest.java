package dev.vaeforge.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Nearest-neighbour upsampling of NCHW by an integer factor: every pixel becomes a factor x factor
 * block (DJL's PyTorch engine has no transposed convolution, so decoders upsample with this followed
 * by a convolution). On PyTorch arrays it is libtorch's nearest interpolation, one kernel each way;
 * elsewhere reshape + broadcast + reshape, whose backward (a strided sum over the broadcast axes) was
 * the slowest part of it (docs/BENCHMARKS.md). Both give the same values. ONNX:
 * {@code Resize(mode=nearest, coordinate_transformation_mode=asymmetric, nearest_mode=floor)}.
 *
 * <p>The 2-D input is viewed as N x C x 1 x H x W and resized with {@code upsample_nearest3d}: libtorch
 * 2.7's {@code upsample_nearest2d} takes its channels-last kernel whenever output height + width
 * <= 128, which for NCHW arrays means copying the input and the output to channels-last and back,
 * three extra passes: forward + backward of the decoder's 64x64 layer took 1.6x as long as with the
 * 3-D kernel (one thread).
 */
public final class UpsampleNearest extends AbstractBlock {
    private static final byte VERSION = 1;
    /** DJL's code for {@code torch::kNearest} in {@code JniUtils.interpolate}. */
    private static final int NEAREST = 0;
    private final int factor;

    public UpsampleNearest(int factor) {
        super(VERSION);
        if (factor < 2) {
            throw new IllegalArgumentException("upsampling factor must be >= 2, got " + factor);
        }
        this.factor = factor;
    }

    public int factor() {
        return factor;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (x instanceof PtNDArray) {
            NDArray y = JniUtils.interpolate((PtNDArray) x.reshape(n, c, 1, h, w), new long[] {1, h * factor, w * factor},
                    NEAREST, false);
            return new NDList(y.reshape(n, c, h * factor, w * factor));
        }
        NDArray y = x.reshape(n, c, h, 1, w, 1).broadcast(n, c, h, factor, w, factor);
        return new NDList(y.reshape(n, c, h * factor, w * factor));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2) * factor, s.get(3) * factor)};
    }

    @Override
    public String toString() {
        return "UpsampleNearest(" + factor + ")";
    }
}
