package dev.vaeforge.runtime.importer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.Versions;
import dev.vaeforge.runtime.onnx.proto.Onnx.AttributeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.OperatorSetIdProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One graph file handed to {@code vaeforge import}, loaded the way the runtime will load it: parsed,
 * refused if it has external data or a random op, loaded into ONNX Runtime (its message quoted when it
 * cannot), and its real signature read from ORT's own introspection (-1 for every dynamic dimension).
 */
final class ForeignGraph implements AutoCloseable {
    /** Ops whose output changes from run to run: a graph holding one cannot be reproduced or verified. */
    static final Set<String> RANDOM_OPS = Set.of("RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
            "Multinomial", "Bernoulli");

    final GraphRole role;
    final Path file;
    final byte[] bytes;
    final ModelProto model;
    final OrtSession session;
    final List<TensorSpec> inputs;
    final List<TensorSpec> outputs;

    private ForeignGraph(GraphRole role, Path file, byte[] bytes, ModelProto model, OrtSession session,
                         List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.role = role;
        this.file = file;
        this.bytes = bytes;
        this.model = model;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    static ForeignGraph load(GraphRole role, Path file) {
        String where = "the " + role.key() + " graph " + file;
        if (!Files.isRegularFile(file)) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, where + ": no such file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, where + ": cannot read (" + e.getMessage() + ")", e);
        }
        ModelProto model;
        try {
            model = OnnxModels.parse(bytes, file.toString());
        } catch (IllegalArgumentException e) {
            throw refuse(where + " is not an ONNX model: " + e.getMessage());
        }
        checkSelfContained(where, model.getGraph());
        checkNoRandomOps(where, model.getGraph());
        OrtSession session;
        try {
            session = Sessions.create(bytes, file.toString(), Device.CPU);
        } catch (VaeforgeException e) {
            String msg = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw refuse(where + ": ONNX Runtime " + Versions.onnxRuntime() + " cannot run this graph: " + msg);
        }
        try {
            return new ForeignGraph(role, file, bytes, model, session, signature(session.getInputInfo()),
                    signature(session.getOutputInfo()));
        } catch (OrtException | RuntimeException e) {
            close(session);
            if (e instanceof VaeforgeException v) {
                throw v;
            }
            throw refuse(where + ": cannot read its signature from ONNX Runtime: " + e.getMessage());
        }
    }

    String sha256() {
        return Hashing.sha256(bytes);
    }

    /** "pytorch 1.13.0", or null when the file names no producer. */
    String producer() {
        String p = (model.getProducerName() + " " + model.getProducerVersion()).strip();
        return p.isEmpty() ? null : p;
    }

    /** The default domain's opset the graph imports. */
    Integer opset() {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return Math.toIntExact(o.getVersion());
            }
        }
        return null;
    }

    /** The op that produces graph output {@code name}, looking through Identity nodes. */
    Optional<String> producingOp(String name) {
        String wanted = name;
        for (int hops = 0; hops < 16; hops++) {
            NodeProto found = null;
            for (NodeProto n : model.getGraph().getNodeList()) {
                if (n.getOutputList().contains(wanted)) {
                    found = n;
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            if (!found.getOpType().equals("Identity") || found.getInputCount() == 0) {
                return Optional.of(found.getOpType());
            }
            wanted = found.getInput(0);
        }
        return Optional.empty();
    }

    String describe() {
        return "the " + role.key() + " graph " + file;
    }

    @Override
    public void close() {
        close(session);
    }

    private static void close(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            // native memory only; nothing to tell the user
        }
    }

    private static void checkSelfContained(String where, GraphProto g) {
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                        .map(e -> " in '" + e.getValue() + "'").findFirst().orElse("");
                throw refuse(where + ": initializer '" + t.getName() + "' keeps its data in an external file" + location
                        + "; a bundle must be self-contained: re-export without external data (torch.onnx.export"
                        + " of a model under 2 GB, or onnx.save(model, path, save_as_external_data=False))");
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    checkSelfContained(where, a.getG());
                }
                for (GraphProto sub : a.getGraphsList()) {
                    checkSelfContained(where, sub);
                }
            }
        }
    }

    private static void checkNoRandomOps(String where, GraphProto g) {
        for (NodeProto n : g.getNodeList()) {
            if (RANDOM_OPS.contains(n.getOpType())) {
                throw refuse(where + ": node '" + n.getName() + "' is a " + n.getOpType() + ", a random op: its outputs"
                        + " change from run to run, so nothing it computes can be reproduced or verified; export the"
                        + " deterministic part (an encoder that returns the mean and log-variance, not a sample)");
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    checkNoRandomOps(where, a.getG());
                }
                for (GraphProto sub : a.getGraphsList()) {
                    checkNoRandomOps(where, sub);
                }
            }
        }
    }

    private static List<TensorSpec> signature(Map<String, NodeInfo> infos) {
        List<TensorSpec> out = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            if (!(n.getInfo() instanceof TensorInfo t)) {
                out.add(new TensorSpec(n.getName(), "non-tensor", new long[0]));
                continue;
            }
            String dtype = switch (t.type) {
                case FLOAT -> "float32";
                case INT64 -> "int64";
                default -> t.type.name().toLowerCase(Locale.ROOT);
            };
            out.add(new TensorSpec(n.getName(), dtype, t.getShape()));
        }
        return out;
    }

    static VaeforgeException refuse(String message) {
        return new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "import refused: " + message);
    }
}
