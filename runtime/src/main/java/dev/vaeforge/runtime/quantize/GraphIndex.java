package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who produces and who consumes each tensor of one flat graph, and its initializers by name. */
final class GraphIndex {
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> graphInputs = new HashSet<>();

    GraphIndex(GraphProto g) {
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producers.put(o, n);
            }
            for (String i : n.getInputList()) {
                if (!i.isEmpty()) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            graphOutputs.add(v.getName());
        }
        for (ValueInfoProto v : g.getInputList()) {
            graphInputs.add(v.getName());
        }
    }

    NodeProto producer(String tensor) {
        return producers.get(tensor);
    }

    List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    Map<String, TensorProto> initializers() {
        return initializers;
    }

    boolean isGraphOutput(String tensor) {
        return graphOutputs.contains(tensor);
    }

    boolean isGraphInput(String tensor) {
        return graphInputs.contains(tensor);
    }

    /** The initializers some node still reads. */
    static List<TensorProto> used(List<TensorProto> inits, List<NodeProto> nodes) {
        Set<String> read = new HashSet<>();
        for (NodeProto n : nodes) {
            read.addAll(n.getInputList());
        }
        List<TensorProto> out = new ArrayList<>();
        for (TensorProto t : inits) {
            if (read.contains(t.getName())) {
                out.add(t);
            }
        }
        return out;
    }
}
