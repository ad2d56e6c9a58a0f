package dev.vaeforge.runtime.onnx;

import com.google.protobuf.ByteString;
import dev.vaeforge.runtime.onnx.proto.Onnx.AttributeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.OperatorSetIdProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.StringStringEntryProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorShapeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TypeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one ONNX graph (opset {@value #OPSET}) node by node. Names are made unique here, so callers
 * pass hints ("enc.conv0.weight") and use whatever name comes back. A dimension of -1 in an input or
 * output shape is dynamic: the first one is called "N" (the batch), others "d&lt;index&gt;".
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("decoder");
 * String z = g.input("z", DType.FLOAT, -1, 16);
 * String w = g.initializer("fc.weight", weights, 256, 16);
 * String y = g.op("Gemm").in(z, w).attr("transB", 1).out("fc");
 * g.output("x_hat", y, DType.FLOAT, -1, 256);
 * ModelProto model = g.build(Map.of("vaeforge.family", "vae"));
 * }</pre>
 */
public final class GraphBuilder {
    public static final int OPSET = 17;
    /** IR version 8 is the one that goes with opset 17. */
    public static final long IR_VERSION = 8;
    public static final String PRODUCER = "vaeforge";

    private final String graphName;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    public GraphBuilder(String graphName) {
        this.graphName = graphName;
    }

    /** Returns {@code hint} if it is still free, otherwise {@code hint_1}, {@code hint_2}, ... */
    public String uniqueName(String hint) {
        String base = hint == null || hint.isEmpty() ? "v" : hint;
        if (usedNames.add(base)) {
            return base;
        }
        int n = counters.getOrDefault(base, 0);
        String candidate;
        do {
            n++;
            candidate = base + "_" + n;
        } while (!usedNames.add(candidate));
        counters.put(base, n);
        return candidate;
    }

    /** Declares a graph input with exactly this name (inputs are part of the public contract). */
    public String input(String name, DType type, long... shape) {
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("Graph input name '" + name + "' is already used in graph " + graphName);
        }
        inputs.add(valueInfo(name, type, shape));
        return name;
    }

    /** Declares a graph output called {@code name} that carries {@code value}. */
    public void output(String name, String value, DType type, long... shape) {
        String actual = value;
        if (!value.equals(name)) {
            if (!usedNames.add(name)) {
                throw new IllegalArgumentException("Graph output name '" + name + "' is already used in graph " + graphName);
            }
            nodes.add(NodeProto.newBuilder().setOpType("Identity").setName(uniqueName("identity_" + name))
                    .addInput(value).addOutput(name).build());
            actual = name;
        }
        outputs.add(valueInfo(actual, type, shape));
    }

    /** A float32 initializer (stored as little-endian raw data). */
    public String initializer(String hint, float[] data, long... dims) {
        checkCount(hint, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return addInitializer(hint, DType.FLOAT, ByteString.copyFrom(buf.array()), dims);
    }

    /** An int64 initializer (stored as little-endian raw data). */
    public String initializer(String hint, long[] data, long... dims) {
        checkCount(hint, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return addInitializer(hint, DType.INT64, ByteString.copyFrom(buf.array()), dims);
    }

    /** A float32 scalar constant (rank 0). */
    public String scalar(String hint, float value) {
        return initializer(hint, new float[] {value});
    }

    /** A 1-D int64 constant, as Reshape, Resize and Slice want them. */
    public String ints(String hint, long... values) {
        return initializer(hint, values, values.length);
    }

    public NodeBuilder op(String opType) {
        return new NodeBuilder(opType);
    }

    /** The finished model. {@code metadata} goes into {@code metadata_props} (provenance). */
    public ModelProto build(Map<String, String> metadata) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(graphName)
                .addAllNode(nodes).addAllInitializer(initializers).addAllInput(inputs).addAllOutput(outputs);
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(Versions.vaeforge())
                .setDomain("dev.vaeforge")
                .setModelVersion(1)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue())));
        return model.build();
    }

    private String addInitializer(String hint, DType type, ByteString raw, long... dims) {
        String name = uniqueName(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.onnxCode()).setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        initializers.add(t.build());
        return name;
    }

    private static void checkCount(String hint, int length, long... dims) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("Initializer '" + hint + "' has a negative dimension " + d);
            }
            count *= d;
        }
        if (count != length) {
            throw new IllegalArgumentException("Initializer '" + hint + "' has " + length + " values but its shape needs " + count);
        }
    }

    private static ValueInfoProto valueInfo(String name, DType type, long... shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        boolean batchNamed = false;
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (shape[i] < 0) {
                d.setDimParam(batchNamed ? "d" + i : "N");
                batchNamed = true;
            } else {
                d.setDimValue(shape[i]);
            }
            s.addDim(d);
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(s).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** Fluent construction of one node: {@code g.op("Conv").in(x, w, b).attr("pads", 1, 1, 1, 1).out("conv")}. */
    public final class NodeBuilder {
        private final NodeProto.Builder node;

        private NodeBuilder(String opType) {
            node = NodeProto.newBuilder().setOpType(opType);
        }

        /** Inputs in order; an empty string is an omitted optional input. */
        public NodeBuilder in(String... names) {
            for (String n : names) {
                node.addInput(n);
            }
            return this;
        }

        public NodeBuilder attr(String name, long value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        public NodeBuilder attr(String name, float value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        public NodeBuilder attr(String name, String value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(value)));
            return this;
        }

        public NodeBuilder attrInts(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            node.addAttribute(a);
            return this;
        }

        public NodeBuilder attrFloats(String name, float... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
            for (float v : values) {
                a.addFloats(v);
            }
            node.addAttribute(a);
            return this;
        }

        /** Finishes a single-output node whose output name is made from {@code hint}. */
        public String out(String hint) {
            return outs(hint, 1)[0];
        }

        /** Finishes a node with {@code count} outputs named {@code hint}, {@code hint_1}, ... */
        public String[] outs(String hint, int count) {
            String[] names = new String[count];
            for (int i = 0; i < count; i++) {
                names[i] = uniqueName(hint);
                node.addOutput(names[i]);
            }
            node.setName(uniqueName("node_" + node.getOpType() + "_" + hint));
            nodes.add(node.build());
            return names;
        }
    }
}
