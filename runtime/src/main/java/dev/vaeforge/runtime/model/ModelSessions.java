package dev.vaeforge.runtime.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The ORT-shaped core of the model layer: one verified session per graph role of a bundle, run with
 * inputs by tensor name, results as an AutoCloseable {@link Outputs} (as {@code OrtSession.run} does).
 * The heads above it find the tensor names from the manifest's roles.
 */
public final class ModelSessions implements AutoCloseable {
    private final Bundle bundle;
    private final BundleSessions sessions;

    public ModelSessions(Bundle bundle, Device device) {
        this.bundle = bundle;
        this.sessions = new BundleSessions(bundle, device);
    }

    public Bundle bundle() {
        return bundle;
    }

    public Manifest manifest() {
        return bundle.manifest();
    }

    public boolean has(GraphRole role) {
        return bundle.has(role);
    }

    /** The graph's manifest entry (names, dtypes, shapes and roles of its tensors). */
    public Manifest.Graph graph(GraphRole role) {
        Manifest.Graph g = bundle.graph(role);
        if (g == null) {
            throw new IllegalArgumentException("this bundle has no " + role.key() + " graph");
        }
        return g;
    }

    /** Runs the graph of {@code role} on {@code inputs} (by tensor name) and returns the named outputs. */
    public Outputs run(GraphRole role, Map<String, Tensor> inputs, Set<String> outputs) {
        OrtSession session = sessions.session(role);
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                feed.put(e.getKey(), t.floats() != null
                        ? OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(t.floats()), t.shape())
                        : OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(t.longs()), t.shape()));
            }
            return new Outputs(session.run(feed, new LinkedHashSet<>(outputs)));
        } catch (OrtException e) {
            throw failed(e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    @Override
    public void close() {
        sessions.close();
    }

    private static VaeforgeException failed(OrtException e) {
        return new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, "ONNX Runtime failed: " + e.getMessage(), e);
    }

    /** The outputs of one run; close it to free their native memory. */
    public static final class Outputs implements AutoCloseable {
        private final OrtSession.Result result;

        private Outputs(OrtSession.Result result) {
            this.result = result;
        }

        public float[] floats(String name) {
            FloatBuffer fb = ((OnnxTensor) value(name)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }

        public long[] longs(String name) {
            LongBuffer lb = ((OnnxTensor) value(name)).getLongBuffer();
            long[] out = new long[lb.remaining()];
            lb.get(out);
            return out;
        }

        private OnnxValue value(String name) {
            return result.get(name).orElseThrow(() -> new IllegalArgumentException("the graph gave no output " + name));
        }

        @Override
        public void close() {
            result.close();
        }
    }
}
