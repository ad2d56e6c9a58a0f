package dev.vaeforge.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.trainer.nn.Activation;
import dev.vaeforge.trainer.nn.Flatten;
import dev.vaeforge.trainer.nn.Reshape;
import dev.vaeforge.trainer.nn.UpsampleNearest;
import java.lang.reflect.Field;

/**
 * Translates trained DJL blocks into ONNX nodes with their weights. Each block type it knows maps
 * to one ONNX operator (or a short fixed sequence); anything else fails the export, naming the
 * block. Batch norm is exported in inference form (running statistics).
 */
public final class BlockTranslator {
    /** The block types {@link #translate} knows, for error messages. */
    public static final String KNOWN = "SequentialBlock, Conv2d, Linear, BatchNorm, Activation, Flatten, Reshape, UpsampleNearest";

    private BlockTranslator() {
    }

    /**
     * Appends {@code block} applied to the value {@code input} to {@code g}.
     *
     * @param path the block's position in the model ("decoder/03"), used for names and errors
     * @return the name of the output value
     */
    public static String translate(Block block, String input, GraphBuilder g, String path) {
        if (block instanceof SequentialBlock seq) {
            String x = input;
            int i = 0;
            for (Pair<String, Block> child : seq.getChildren()) {
                x = translate(child.getValue(), x, g, path + "/" + String.format("%02d", i++));
            }
            return x;
        }
        if (block instanceof Conv2d conv) {
            return conv2d(conv, input, g, path);
        }
        if (block instanceof Linear linear) {
            return linear(linear, input, g, path);
        }
        if (block instanceof BatchNorm bn) {
            return batchNorm(bn, input, g, path);
        }
        if (block instanceof Activation act) {
            GraphBuilder.NodeBuilder n = g.op(act.kind().onnxOp()).in(input);
            if (act.kind() == Activation.Kind.LEAKY_RELU) {
                n.attr("alpha", act.alpha());
            }
            return n.out(name(path, act.kind().onnxOp().toLowerCase(java.util.Locale.ROOT)));
        }
        if (block instanceof Flatten) {
            return g.op("Flatten").in(input).attr("axis", 1L).out(name(path, "flatten"));
        }
        if (block instanceof Reshape r) {
            long[] dims = r.dims();
            long[] shape = new long[dims.length + 1];
            shape[0] = -1;
            System.arraycopy(dims, 0, shape, 1, dims.length);
            String s = g.ints(name(path, "shape"), shape);
            return g.op("Reshape").in(input, s).out(name(path, "reshape"));
        }
        if (block instanceof UpsampleNearest up) {
            String scales = g.initializer(name(path, "scales"), new float[] {1, 1, up.factor(), up.factor()}, 4);
            // asymmetric + floor maps output pixel i to input pixel floor(i / f): exact pixel repetition
            return g.op("Resize").in(input, "", scales).attr("mode", "nearest")
                    .attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "floor")
                    .out(name(path, "upsample"));
        }
        throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, "cannot export block at '" + path + "': "
                + block.getClass().getName() + " (" + block + ") is not a block type the exporter knows; known: " + KNOWN);
    }

    private static String conv2d(Conv2d conv, String input, GraphBuilder g, String path) {
        NDArray w = param(conv, "weight", path).getArray();
        String wName = g.initializer(name(path, "weight"), w.toFloatArray(), w.getShape().getShape());
        Shape k = conv.getKernelShape();
        Shape s = conv.getStride();
        Shape p = conv.getPadding();
        Shape d = conv.getDilation();
        GraphBuilder.NodeBuilder n = g.op("Conv");
        if (conv.isIncludeBias()) {
            NDArray b = param(conv, "bias", path).getArray();
            n.in(input, wName, g.initializer(name(path, "bias"), b.toFloatArray(), b.getShape().getShape()));
        } else {
            n.in(input, wName);
        }
        return n.attrInts("kernel_shape", k.get(0), k.get(1))
                .attrInts("strides", s.get(0), s.get(1))
                .attrInts("pads", p.get(0), p.get(1), p.get(0), p.get(1))
                .attrInts("dilations", d.get(0), d.get(1))
                .attr("group", (long) conv.getGroups())
                .out(name(path, "conv"));
    }

    private static String linear(Linear linear, String input, GraphBuilder g, String path) {
        NDArray w = param(linear, "weight", path).getArray();
        String wName = g.initializer(name(path, "weight"), w.toFloatArray(), w.getShape().getShape());
        GraphBuilder.NodeBuilder n = g.op("Gemm");
        Parameter bias = linear.getDirectParameters().get("bias");
        if (bias != null && bias.isInitialized()) {
            NDArray b = bias.getArray();
            n.in(input, wName, g.initializer(name(path, "bias"), b.toFloatArray(), b.getShape().getShape()));
        } else {
            n.in(input, wName);
        }
        // DJL stores Linear weights as [units, in]: y = x W^T + b
        return n.attr("transB", 1L).out(name(path, "gemm"));
    }

    private static String batchNorm(BatchNorm bn, String input, GraphBuilder g, String path) {
        if ((int) field(bn, "axis", path) != 1) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, "cannot export block at '" + path
                    + "': BatchNorm over axis " + field(bn, "axis", path) + "; only the channel axis 1 (NCHW) is supported");
        }
        NDArray mean = param(bn, "runningMean", path).getArray();
        NDArray var = param(bn, "runningVar", path).getArray();
        int c = (int) mean.size();
        float[] gamma = (boolean) field(bn, "scale", path) ? param(bn, "gamma", path).getArray().toFloatArray() : ones(c);
        float[] beta = (boolean) field(bn, "center", path) ? param(bn, "beta", path).getArray().toFloatArray() : new float[c];
        float eps = (float) field(bn, "epsilon", path);
        return g.op("BatchNormalization")
                .in(input, g.initializer(name(path, "gamma"), gamma, c), g.initializer(name(path, "beta"), beta, c),
                        g.initializer(name(path, "running_mean"), mean.toFloatArray(), c),
                        g.initializer(name(path, "running_var"), var.toFloatArray(), c))
                .attr("epsilon", eps)
                .out(name(path, "bn"));
    }

    private static Parameter param(Block block, String key, String path) {
        Parameter p = block.getDirectParameters().get(key);
        if (p == null || !p.isInitialized()) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, "cannot export block at '" + path + "': "
                    + block.getClass().getSimpleName() + " has no initialised parameter '" + key + "'");
        }
        return p;
    }

    /** BatchNorm keeps epsilon, axis, center and scale private; DJL offers no getters for them. */
    private static Object field(BatchNorm bn, String name, String path) {
        try {
            Field f = BatchNorm.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(bn);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, "cannot export BatchNorm at '" + path
                    + "': cannot read its '" + name + "' setting from this DJL version (" + e + ")", e);
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private static String name(String path, String what) {
        return path.replace('/', '.') + "." + what;
    }
}
