package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.onnx.proto.Onnx.AttributeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static QDQ quantisation of one flat fp32 graph (decision 0018). Each weighted node (Conv,
 * ConvTranspose, Gemm, MatMul) not kept in fp32 reads
 * <ul>
 * <li>its weight as DequantizeLinear(int8 W_q, per-output-channel scale, zero point 0, axis): symmetric,
 *     scale = max|W_c| / 63, W_q = round(W / scale) in [−63, 63] (7-bit values in int8, so that x86 int8
 *     kernels without VNNI cannot saturate: see {@link #WEIGHT_MAX});</li>
 * <li>its bias as DequantizeLinear(int32 b_q, scale_x · scale_w[c], 0), the layout ONNX Runtime's int8
 *     kernels take their bias in;</li>
 * <li>its activation input through QuantizeLinear → DequantizeLinear with per-tensor uint8 parameters
 *     from calibration ({@link QuantParams}).</li>
 * </ul>
 * A Conv's output is quantised too (so that ONNX Runtime fuses DQ→Conv→Q into QLinearConv); a Relu
 * right after it takes that place (a uint8 zero point of 0 makes the Relu redundant, which ONNX Runtime
 * exploits). Gemm and MatMul outputs are quantised only where another quantised node reads them, else
 * stay fp32. Going back from a quantised input, shape-only and order-preserving ops (Reshape, Flatten,
 * Transpose, Squeeze, Unsqueeze, Identity, MaxPool, nearest Resize) share their input's parameters, so
 * that the int8 tensor flows through them, and LeakyRelu and Sigmoid get parameters of their own
 * (ONNX Runtime runs them as QLinearLeakyRelu / QLinearSigmoid). Every tensor's consumers read its
 * dequantised copy, so the graph computes exactly the fake-quantised function that its Q/DQ nodes state.
 */
public final class QdqGraph {
    static final Set<String> WEIGHTED = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");
    static final Set<String> SHARED_PARAMS = Set.of("Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity",
            "MaxPool", "Resize");
    static final Set<String> OWN_PARAMS = Set.of("LeakyRelu", "Sigmoid", "Relu");
    static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");
    static final Set<String> ALREADY_QUANTISED = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
            "ConvInteger", "MatMulInteger", "DynamicQuantizeLinear", "QGemm", "MatMulIntegerToFloat");
    /**
     * Largest |int8 weight|. Not 127: on x86 without VNNI (AVX2, e.g. AMD Zen 1-3) ONNX Runtime's U8S8
     * kernels add pairs of uint8 × int8 products in int16 ({@code vpmaddubsw}), which saturates at 32767;
     * 2 · 255 · 127 = 64770 does, 2 · 255 · 63 = 32130 cannot. With full-range weights the same bundle gave
     * results up to 0.2 off the fake-quantised function on an AVX2 host while matching it on a VNNI one
     * ({@code QdqParityTest}); 7-bit weights make an int8 bundle compute one function on every x86 host.
     */
    static final int WEIGHT_MAX = 63;

    /**
     * What to quantise in one graph: the layers, the activation tensors that get Q/DQ and the tensor whose
     * calibrated range each one uses (itself, or for a shape-only op the tensor it passes on).
     */
    public record Plan(String graph, List<Layer> layers, Map<String, String> rootOf) {
        /** The tensors whose ranges calibration must measure. */
        public Set<String> roots() {
            return new LinkedHashSet<>(rootOf.values());
        }
    }

    private QdqGraph() {
    }

    /** The name a layer goes by: the node's name, or its first output where it has none. */
    static String layerName(NodeProto n) {
        return n.getName().isEmpty() ? n.getOutput(0) : n.getName();
    }

    /** Every weighted node of {@code model} in graph order. */
    public static List<Layer> weightedLayers(String graph, ModelProto model) {
        List<Layer> out = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (WEIGHTED.contains(n.getOpType())) {
                out.add(new Layer(graph, layerName(n), n.getOpType()));
            }
        }
        return out;
    }

    /** The first node that shows {@code model} to be quantised already, or null. */
    static String quantisedNode(ModelProto model) {
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (ALREADY_QUANTISED.contains(n.getOpType())) {
                return n.getOpType() + " '" + layerName(n) + "'";
            }
        }
        return null;
    }

    /**
     * Plans the quantisation of every weighted node of {@code model} except those named in {@code keep}.
     *
     * @throws VaeforgeException (unsupported) naming the first node that cannot be quantised and is not kept
     */
    public static Plan plan(String graph, ModelProto model, Set<String> keep) {
        GraphProto g = model.getGraph();
        GraphIndex index = new GraphIndex(g);
        for (NodeProto n : g.getNodeList()) {
            if (CONTROL_FLOW.contains(n.getOpType())) {
                throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, "graph " + graph + ": node '" + layerName(n)
                        + "' is a " + n.getOpType() + "; quantize handles flat graphs only");
            }
        }
        List<Layer> layers = new ArrayList<>();
        List<NodeProto> chosen = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (!WEIGHTED.contains(n.getOpType()) || keep.contains(layerName(n))) {
                continue;
            }
            String why = unsupported(n, index);
            if (why != null) {
                throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, "graph " + graph + ": " + n.getOpType()
                        + " '" + layerName(n) + "' cannot be quantised: " + why + "; keep it in fp32 with --keep-fp32 "
                        + layerName(n));
            }
            layers.add(new Layer(graph, layerName(n), n.getOpType()));
            chosen.add(n);
        }
        Map<String, String> rootOf = new LinkedHashMap<>();
        for (NodeProto n : chosen) {
            markInput(n.getInput(0), index, rootOf);
            String out = n.getOutput(0);
            if (!n.getOpType().startsWith("Conv") || index.isGraphOutput(out)) {
                continue;
            }
            List<NodeProto> cons = index.consumers(out);
            if (cons.size() == 1 && cons.get(0).getOpType().equals("Relu")) {
                String r = cons.get(0).getOutput(0);
                if (!index.isGraphOutput(r)) {
                    rootOf.putIfAbsent(r, r);
                }
            } else {
                rootOf.putIfAbsent(out, out);
            }
        }
        return new Plan(graph, List.copyOf(layers), rootOf);
    }

    private static void markInput(String t, GraphIndex index, Map<String, String> rootOf) {
        if (rootOf.containsKey(t) || index.initializers().containsKey(t)) {
            return;
        }
        NodeProto p = index.producer(t);
        if (p != null && sharesParams(p) && t.equals(p.getOutput(0)) && !index.initializers().containsKey(p.getInput(0))) {
            markInput(p.getInput(0), index, rootOf);
            rootOf.put(t, rootOf.get(p.getInput(0)));
            return;
        }
        rootOf.put(t, t);
        if (p != null && OWN_PARAMS.contains(p.getOpType())) {
            NodeProto before = index.producer(p.getInput(0));
            boolean fusedRelu = p.getOpType().equals("Relu") && before != null && before.getOpType().startsWith("Conv")
                    && index.consumers(p.getInput(0)).size() == 1;
            if (!fusedRelu) {
                markInput(p.getInput(0), index, rootOf);
            }
        }
    }

    private static boolean sharesParams(NodeProto p) {
        if (!SHARED_PARAMS.contains(p.getOpType())) {
            return false;
        }
        if (p.getOpType().equals("Resize")) {
            String mode = stringAttr(p, "mode", "nearest");
            return mode.equals("nearest");
        }
        return true;
    }

    private static String unsupported(NodeProto n, GraphIndex index) {
        if (n.getInputCount() < 2 || !index.initializers().containsKey(n.getInput(1))) {
            return "its weight '" + (n.getInputCount() > 1 ? n.getInput(1) : "") + "' is computed, not a constant initializer";
        }
        TensorProto w = index.initializers().get(n.getInput(1));
        if (w.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return "its weight is not float32";
        }
        boolean hasBias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        if (hasBias && (!index.initializers().containsKey(n.getInput(2))
                || index.initializers().get(n.getInput(2)).getDimsCount() != 1)) {
            return "its bias is not a constant 1-D initializer";
        }
        switch (n.getOpType()) {
            case "ConvTranspose":
                if (intAttr(n, "group", 1) != 1) {
                    return "grouped ConvTranspose";
                }
                break;
            case "Gemm":
                if (intAttr(n, "transA", 0) != 0 || floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f) {
                    return "Gemm with transA, alpha or beta other than the defaults";
                }
                if (w.getDimsCount() != 2) {
                    return "its weight is not 2-D";
                }
                break;
            case "MatMul":
                if (w.getDimsCount() != 2) {
                    return "its weight is not 2-D";
                }
                break;
            default:
                break;
        }
        return null;
    }

    /** The axis of {@code n}'s weight that indexes its output channels. */
    static int weightAxis(NodeProto n) {
        return switch (n.getOpType()) {
            case "Conv" -> 0;
            case "ConvTranspose" -> 1;
            case "Gemm" -> intAttr(n, "transB", 0) == 1 ? 0 : 1;
            default -> 1;
        };
    }

    /**
     * The QDQ graph of {@code plan}, with each activation's parameters from {@code params} (by root tensor).
     */
    public static ModelProto rewrite(ModelProto model, Plan plan, Map<String, QuantParams> params) {
        GraphProto g = model.getGraph();
        GraphIndex index = new GraphIndex(g);
        Map<String, TensorProto> inits = index.initializers();
        Set<String> layerNames = new LinkedHashSet<>();
        for (Layer l : plan.layers()) {
            layerNames.add(l.name());
        }
        List<NodeProto> nodes = new ArrayList<>();
        List<TensorProto> newInits = new ArrayList<>(g.getInitializerList());
        Map<String, String> dq = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : plan.rootOf().entrySet()) {
            QuantParams p = params.get(e.getValue());
            if (p == null) {
                throw new IllegalArgumentException("no calibrated range for tensor '" + e.getValue() + "'");
            }
            dq.put(e.getKey(), e.getKey() + "_dq");
        }
        for (ValueInfoProto in : g.getInputList()) {
            if (dq.containsKey(in.getName())) {
                addQdq(in.getName(), params.get(plan.rootOf().get(in.getName())), nodes, newInits);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder b = n.toBuilder().clearInput();
            boolean quantised = WEIGHTED.contains(n.getOpType()) && layerNames.contains(layerName(n));
            for (int i = 0; i < n.getInputCount(); i++) {
                String in = n.getInput(i);
                if (quantised && i == 1) {
                    in = weight(n, inits.get(in), nodes, newInits);
                } else if (quantised && i == 2 && !in.isEmpty()) {
                    QuantParams x = params.get(plan.rootOf().get(n.getInput(0)));
                    in = bias(n, inits.get(in), x, inits.get(n.getInput(1)), nodes, newInits);
                } else if (dq.containsKey(in)) {
                    in = dq.get(in);
                }
                b.addInput(in);
            }
            nodes.add(b.build());
            for (String out : n.getOutputList()) {
                if (dq.containsKey(out)) {
                    addQdq(out, params.get(plan.rootOf().get(out)), nodes, newInits);
                }
            }
        }
        GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).clearInitializer()
                .addAllInitializer(GraphIndex.used(newInits, nodes));
        return model.toBuilder().setGraph(gb).build();
    }

    private static void addQdq(String t, QuantParams p, List<NodeProto> nodes, List<TensorProto> inits) {
        String scale = t + "_scale";
        String zp = t + "_zero_point";
        inits.add(Tensors.floatTensor(scale, new float[] {p.scale()}));
        inits.add(Tensors.byteTensor(zp, new byte[] {(byte) p.zeroPoint()}, false));
        nodes.add(NodeProto.newBuilder().setOpType("QuantizeLinear").setName(t + "_QuantizeLinear")
                .addInput(t).addInput(scale).addInput(zp).addOutput(t + "_q").build());
        nodes.add(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(t + "_DequantizeLinear")
                .addInput(t + "_q").addInput(scale).addInput(zp).addOutput(t + "_dq").build());
    }

    /** Per-channel symmetric int8 scales of {@code w} along {@code axis}: max |w_c| / {@link #WEIGHT_MAX} (1 for an all-zero channel). */
    static float[] weightScales(float[] w, long[] dims, int axis) {
        int channels = (int) dims[axis];
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        double[] max = new double[channels];
        for (int i = 0; i < w.length; i++) {
            int c = (int) ((i / inner) % channels);
            max[c] = Math.max(max[c], Math.abs(w[i]));
        }
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = max[c] > 0 ? (float) (max[c] / WEIGHT_MAX) : 1f;
        }
        return s;
    }

    /** round(w / scale_c), saturated to [−WEIGHT_MAX, WEIGHT_MAX]. */
    static byte[] quantiseWeights(float[] w, long[] dims, int axis, float[] scales) {
        int channels = (int) dims[axis];
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = (int) ((i / inner) % channels);
            q[i] = (byte) Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, Math.rint(w[i] / scales[c])));
        }
        return q;
    }

    private static String weight(NodeProto n, TensorProto w, List<NodeProto> nodes, List<TensorProto> inits) {
        long[] dims = Tensors.dims(w);
        int axis = weightAxis(n);
        float[] values = Tensors.floats(w);
        float[] scales = weightScales(values, dims, axis);
        String base = layerName(n) + "_weight";
        inits.add(Tensors.byteTensor(base + "_quantized", quantiseWeights(values, dims, axis, scales), true, dims));
        inits.add(Tensors.floatTensor(base + "_scale", scales, scales.length));
        inits.add(Tensors.byteTensor(base + "_zero_point", new byte[scales.length], true, scales.length));
        nodes.add(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(base + "_DequantizeLinear")
                .addInput(base + "_quantized").addInput(base + "_scale").addInput(base + "_zero_point")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis))
                .addOutput(base + "_dq").build());
        return base + "_dq";
    }

    /** Bias scales: scale_x · scale_w[c], in float as ONNX Runtime multiplies them. */
    static float[] biasScales(QuantParams x, float[] weightScales) {
        float[] s = new float[weightScales.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = x.scale() * weightScales[c];
        }
        return s;
    }

    private static String bias(NodeProto n, TensorProto b, QuantParams x, TensorProto w, List<NodeProto> nodes,
                               List<TensorProto> inits) {
        float[] bv = Tensors.floats(b);
        float[] ws = weightScales(Tensors.floats(w), Tensors.dims(w), weightAxis(n));
        if (ws.length != bv.length) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, layerName(n) + ": bias has " + bv.length
                    + " values for " + ws.length + " output channels");
        }
        float[] s = biasScales(x, ws);
        int[] q = new int[bv.length];
        for (int c = 0; c < q.length; c++) {
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.rint(bv[c] / s[c])));
        }
        String base = layerName(n) + "_bias";
        inits.add(Tensors.int32Tensor(base + "_quantized", q, q.length));
        inits.add(Tensors.floatTensor(base + "_scale", s, s.length));
        inits.add(Tensors.int32Tensor(base + "_zero_point", new int[q.length], q.length));
        nodes.add(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(base + "_DequantizeLinear")
                .addInput(base + "_quantized").addInput(base + "_scale").addInput(base + "_zero_point")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0))
                .addOutput(base + "_dq").build());
        return base + "_dq";
    }

    static long intAttr(NodeProto n, String name, long dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    static float floatAttr(NodeProto n, String name, float dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return dflt;
    }

    static String stringAttr(NodeProto n, String name, String dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getS().toStringUtf8();
            }
        }
        return dflt;
    }
}
