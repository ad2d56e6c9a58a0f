package dev.vaeforge.runtime.quantize;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx.NodeProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ONNX Runtime makes of a graph on this machine's CPU: the op types of its optimised graph
 * (SessionOptions' optimized model file, written at session creation with the runtime's own options),
 * counted. Shows which layers run in int8 kernels (QLinearConv, QGemm, ...) and which fell back.
 */
public final class OptimizedGraph {
    private OptimizedGraph() {
    }

    /** Op type (with its domain, if not the default one) -> number of nodes. */
    public static Map<String, Integer> opCounts(byte[] model) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("vaeforge-optimized", ".onnx");
            try (OrtSession.SessionOptions opts = Sessions.options(Device.CPU)) {
                opts.setOptimizedModelFilePath(tmp.toString());
                // ORT warns that the file holds machine-specific (NCHWc) nodes: that is what we want to read
                opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                try (OrtSession s = Sessions.environment().createSession(model, opts)) {
                    // creating the session writes the optimised graph
                }
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (NodeProto n : OnnxModels.read(tmp).getGraph().getNodeList()) {
                String key = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
                counts.merge(key, 1, Integer::sum);
            }
            return counts;
        } catch (OrtException | IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.DEVICE, "cannot read ONNX Runtime's optimised graph: "
                    + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }
}
