package dev.vaeforge.runtime.importer;

import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorShapeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exporters often leave non-batch dimensions symbolic where their shape inference gave up (PyTorch names
 * them like {@code Sigmoidreconstruction_dim_2}). The manifest, and the runtime's signature check, need
 * them fixed: each one is pinned to the size both probe batches saw, in the manifest and in the graph's
 * declared input/output types. Nothing else in the graph changes, and a graph with nothing to pin is
 * kept byte for byte (its bundle sha256 is its source's).
 */
record ShapePins(byte[] bytes, List<TensorSpec> inputs, List<TensorSpec> outputs, Optional<String> note) {

    static ShapePins of(ForeignGraph g, List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, long[]> observed) {
        Map<String, long[]> pinned = new LinkedHashMap<>();
        List<TensorSpec> ins = pin(g, inputs, observed, pinned);
        List<TensorSpec> outs = pin(g, outputs, observed, pinned);
        if (pinned.isEmpty()) {
            return new ShapePins(g.bytes, ins, outs, Optional.empty());
        }
        GraphProto.Builder graph = g.model.getGraph().toBuilder();
        rewrite(graph.getInputBuilderList(), pinned);
        rewrite(graph.getOutputBuilderList(), pinned);
        byte[] bytes = g.model.toBuilder().setGraph(graph).build().toByteArray();
        StringBuilder note = new StringBuilder("pinned dynamic dimensions to the sizes the probes saw:");
        pinned.forEach((name, shape) -> note.append(' ').append(name).append(shapeText(shape)));
        return new ShapePins(bytes, ins, outs, Optional.of(note.toString()));
    }

    private static List<TensorSpec> pin(ForeignGraph g, List<TensorSpec> specs, Map<String, long[]> observed,
                                        Map<String, long[]> pinned) {
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec t : specs) {
            long[] s = t.shape();
            boolean codebook = TensorRole.CODEBOOK.equals(t.role());
            long[] seen = observed.get(g.role.key() + "." + t.name());
            boolean changed = false;
            for (int i = codebook ? 0 : 1; i < s.length; i++) {
                if (s[i] < 0 && seen != null) {
                    s[i] = seen[codebook ? i : i - 1];
                    changed = true;
                }
            }
            if (changed) {
                pinned.put(t.name(), s);
            }
            out.add(new TensorSpec(t.name(), t.dtype(), s, t.role(), t.values()));
        }
        return out;
    }

    private static void rewrite(List<ValueInfoProto.Builder> values, Map<String, long[]> pinned) {
        for (ValueInfoProto.Builder v : values) {
            long[] s = pinned.get(v.getName());
            if (s == null) {
                continue;
            }
            TensorShapeProto.Builder shape = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            for (int i = 0; i < shape.getDimCount() && i < s.length; i++) {
                if (s[i] >= 0) {
                    shape.setDim(i, TensorShapeProto.Dimension.newBuilder().setDimValue(s[i]));
                }
            }
        }
    }

    private static String shapeText(long[] s) {
        return Arrays.toString(Arrays.stream(s).mapToObj(d -> d < 0 ? "N" : Long.toString(d)).toArray()).replace(" ", "");
    }
}
