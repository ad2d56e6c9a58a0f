package dev.vaeforge.runtime.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One ORT session per graph of a verified bundle (whichever graphs its manifest lists). Before a session
 * is used, its real input and output names, dtypes and shapes are compared with the manifest, and graphs that reference external
 * data files are refused (a bundle must be self-contained).
 */
public final class BundleSessions implements AutoCloseable {
    private final Map<GraphRole, OrtSession> sessions = new EnumMap<>(GraphRole.class);

    public BundleSessions(Bundle bundle, Device device) {
        try {
            for (GraphRole role : bundle.roles()) {
                Path file = bundle.graphFile(role);
                byte[] bytes = read(file);
                checkSelfContained(file, parse(bytes, file));
                OrtSession s = Sessions.create(bytes, file.toString(), device);
                sessions.put(role, s);
                checkSignature(file, bundle.graph(role), s);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public OrtSession session(GraphRole role) {
        OrtSession s = sessions.get(role);
        if (s == null) {
            throw new IllegalArgumentException("this bundle has no " + role.key() + " graph");
        }
        return s;
    }

    @Override
    public void close() {
        for (OrtSession s : sessions.values()) {
            try {
                s.close();
            } catch (OrtException e) {
                // closing frees native memory; a failure here leaves nothing for the caller to do
            }
        }
        sessions.clear();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static ModelProto parse(byte[] bytes, Path file) {
        try {
            return OnnxModels.parse(bytes, file.toString());
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, e.getMessage(), e);
        }
    }

    private static void checkSelfContained(Path file, ModelProto model) {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, file + ": initializer '" + t.getName()
                        + "' references external data; bundle graphs must be self-contained");
            }
        }
    }

    static void checkSignature(Path file, Manifest.Graph expected, OrtSession s) {
        try {
            List<TensorSpec> inputs = actual(s.getInputInfo());
            List<TensorSpec> outputs = actual(s.getOutputInfo());
            compare(file, "inputs", expected.inputs(), inputs);
            compare(file, "outputs", expected.outputs(), outputs);
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, file + ": cannot read graph signature: " + e.getMessage(), e);
        }
    }

    /** Name, dtype and shape of each tensor, in order; roles are the manifest's alone (ORT cannot report them). */
    private static void compare(Path file, String what, List<TensorSpec> expected, List<TensorSpec> actual) {
        boolean same = expected.size() == actual.size();
        for (int i = 0; same && i < expected.size(); i++) {
            same = expected.get(i).sameSignature(actual.get(i));
        }
        if (!same) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, file + ": graph " + what + " are " + actual
                    + " but manifest.json says " + expected);
        }
    }

    private static List<TensorSpec> actual(Map<String, NodeInfo> infos) {
        List<TensorSpec> out = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            if (!(n.getInfo() instanceof TensorInfo t)) {
                out.add(new TensorSpec(n.getName(), "non-tensor", new long[0]));
                continue;
            }
            out.add(new TensorSpec(n.getName(), dtypeName(t), t.getShape()));
        }
        return out;
    }

    private static String dtypeName(TensorInfo t) {
        return switch (t.type) {
            case FLOAT -> "float32";
            case INT64 -> "int64";
            case INT32 -> "int32";
            case UINT8 -> "uint8";
            case BOOL -> "bool";
            default -> t.type.name().toLowerCase(Locale.ROOT);
        };
    }
}
