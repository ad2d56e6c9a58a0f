package dev.vaeforge.runtime.metrics.lpips;

import dev.vaeforge.runtime.onnx.proto.Onnx.AttributeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.StringStringEntryProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an LPIPS graph file says about its network: the backbone and the smallest image it is
 * defined for. Both are read from the graph itself, so a graph from any exporter gets them.
 *
 * <p><b>Smallest image, by rule.</b> Every {@code Conv}, {@code MaxPool} and {@code AveragePool}
 * on the way from the inputs needs its (padded) input to be at least as large as its (dilated)
 * kernel, and the pooling's output at least one pixel, with PyTorch's rule for {@code ceil_mode}
 * (the last window must start inside the input). PyTorch refuses smaller inputs; ONNX Runtime does
 * not always, and then returns a number that is not LPIPS (LPIPS-AlexNet gives a value at 28x28,
 * where PyTorch stops) or aborts the process for still smaller ones. So the limit is found by
 * walking the graph's spatial sizes for each candidate side, never by running it. AlexNet needs 31
 * pixels a side, SqueezeNet 1.1 needs 17 (three ceil-mode poolings), VGG16 16.
 *
 * <p><b>Backbone.</b> The metadata property {@value #BACKBONE_KEY} where an exporter wrote it
 * (scripts/export-lpips.py does), else recognised by structure: a first convolution of 11x11 with
 * stride 4 is AlexNet; 3x3 with stride 2 followed by channel concatenations (fire modules) is
 * SqueezeNet; 3x3 with stride 1 is VGG. Anything else is {@code "unknown"}.
 */
public record LpipsGraphInfo(String backbone, int minHeight, int minWidth) {
    /** The metadata key holding the backbone name in graphs written by scripts/export-lpips.py. */
    public static final String BACKBONE_KEY = "lpips.backbone";
    /** The largest side the size rule tries; a graph needing more is treated as needing this. */
    static final int MAX_PROBED_SIDE = 1024;

    static LpipsGraphInfo of(ModelProto model) {
        return new LpipsGraphInfo(backbone(model), minSide(model, 0), minSide(model, 1));
    }

    /** Whether images of {@code height x width} are large enough for every convolution and pooling. */
    public boolean fits(int height, int width) {
        return height >= minHeight && width >= minWidth;
    }

    static String backbone(ModelProto model) {
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            if (p.getKey().equals(BACKBONE_KEY) && !p.getValue().isBlank()) {
                return p.getValue();
            }
        }
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            // LpipsAlexNetGraph's own graphs
            if (p.getKey().equals("vaeforge.graph") && p.getValue().startsWith("lpips-alexnet")) {
                return "alex";
            }
        }
        NodeProto first = null;
        boolean concat = false;
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Conv") && first == null) {
                first = n;
            }
            concat |= n.getOpType().equals("Concat");
        }
        if (first == null) {
            return "unknown";
        }
        int[] k = ints(first, "kernel_shape", null);
        int[] s = ints(first, "strides", new int[] {1, 1});
        if (k == null || k.length != 2) {
            return "unknown";
        }
        if (k[0] == 11 && s[0] == 4) {
            return "alex";
        }
        if (k[0] == 3 && s[0] == 2 && concat) {
            return "squeeze";
        }
        if (k[0] == 3 && s[0] == 1 && !concat) {
            return "vgg";
        }
        return "unknown";
    }

    /**
     * The smallest size along {@code axis} (0 = height, 1 = width) for which every spatial operator
     * fits, found by propagating that one dimension through the graph; {@link #MAX_PROBED_SIDE} if
     * none up to it fits. Spatial operators keep the two axes apart, so each is found on its own.
     */
    static int minSide(ModelProto model, int axis) {
        Map<String, long[]> constants = constants(model);
        Map<String, int[]> kernels = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDimsCount() == 4) {
                kernels.put(t.getName(), new int[] {(int) t.getDims(2), (int) t.getDims(3)});
            }
        }
        Set<String> inputs = new HashSet<>();
        model.getGraph().getInputList().forEach(v -> inputs.add(v.getName()));
        for (int side = 1; side <= MAX_PROBED_SIDE; side++) {
            if (fits(model, axis, side, inputs, kernels, constants)) {
                return side;
            }
        }
        return MAX_PROBED_SIDE;
    }

    private static boolean fits(ModelProto model, int axis, int side, Set<String> inputs, Map<String, int[]> kernels,
                                Map<String, long[]> constants) {
        Map<String, Long> size = new HashMap<>();
        for (String in : inputs) {
            size.put(in, (long) side);
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            Long in = null;
            for (String i : n.getInputList()) {
                Long s = size.get(i);
                if (s != null) {
                    in = in == null ? s : Math.max(in, s);
                }
            }
            if (in == null) {
                continue;
            }
            long out;
            switch (n.getOpType()) {
                case "Conv", "MaxPool", "AveragePool" -> {
                    boolean conv = n.getOpType().equals("Conv");
                    int[] k = ints(n, "kernel_shape", conv && n.getInputCount() > 1 ? kernels.get(n.getInput(1)) : null);
                    if (k == null) {
                        continue;
                    }
                    int[] strides = ints(n, "strides", new int[] {1, 1});
                    int[] pads = ints(n, "pads", new int[] {0, 0, 0, 0});
                    int[] dilations = ints(n, "dilations", new int[] {1, 1});
                    boolean ceil = !conv && intAttr(n, "ceil_mode") == 1;
                    long begin = pads[axis];
                    long padded = size.get(n.getInput(0)) + begin + pads[axis + 2];
                    long kernel = (long) (k[axis] - 1) * dilations[axis] + 1;
                    if (conv && padded < kernel) {
                        // PyTorch: "Kernel size can't be greater than actual input size"
                        return false;
                    }
                    // PyTorch's pooling_output_shape; a ceil-mode window may overhang the end
                    long s = strides[axis];
                    out = Math.floorDiv(padded - kernel + (ceil ? s - 1 : 0), s) + 1;
                    if (ceil && (out - 1) * s >= size.get(n.getInput(0)) + begin) {
                        out--;
                    }
                    if (out < 1) {
                        return false;
                    }
                }
                case "GlobalAveragePool", "GlobalMaxPool" -> out = 1;
                case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL2" -> {
                    long[] axes = axes(n, constants);
                    boolean spatial = false;
                    for (long a : axes == null ? new long[0] : axes) {
                        spatial |= a == 2 + axis || a == axis - 2;
                    }
                    out = spatial ? 1 : in;
                }
                default -> out = in;
            }
            for (String o : n.getOutputList()) {
                size.put(o, out);
            }
        }
        return true;
    }

    /** Reduction axes from the attribute (opset < 18 for most) or the constant second input (ReduceSum 13+). */
    private static long[] axes(NodeProto n, Map<String, long[]> constants) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("axes")) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return n.getInputCount() > 1 ? constants.get(n.getInput(1)) : null;
    }

    /** int64 tensors from Constant nodes and initializers, by name (reduction axes). */
    private static Map<String, long[]> constants(ModelProto model) {
        Map<String, long[]> out = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            long[] v = int64s(t);
            if (v != null) {
                out.put(t.getName(), v);
            }
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        long[] v = int64s(a.getT());
                        if (v != null) {
                            out.put(n.getOutput(0), v);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static long[] int64s(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
            return null;
        }
        if (t.getInt64DataCount() > 0) {
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[b.remaining() / 8];
        b.asLongBuffer().get(v);
        return v;
    }

    private static int[] ints(NodeProto n, String name, int[] fallback) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                List<Long> l = a.getIntsList();
                int[] v = new int[l.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.toIntExact(l.get(i));
                }
                return v;
            }
        }
        return fallback;
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return 0;
    }
}
