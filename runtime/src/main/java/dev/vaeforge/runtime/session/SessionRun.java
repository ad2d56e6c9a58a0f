package dev.vaeforge.runtime.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.model.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one ORT session on named {@link Tensor}s and returns every output as a {@link Tensor} with its
 * real shape: what golden tensors and import probes need (the model layer's heads read only the outputs
 * they bind). An ORT failure is returned as the {@link OrtException}'s message to the caller's wording.
 */
public final class SessionRun {
    private SessionRun() {
    }

    /** All outputs of {@code session} on {@code inputs}, by name, in the graph's output order. */
    public static Map<String, Tensor> run(OrtSession session, Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                feed.put(e.getKey(), t.floats() != null
                        ? OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(t.floats()), t.shape())
                        : OnnxTensor.createTensor(Sessions.environment(), LongBuffer.wrap(t.longs()), t.shape()));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(feed)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    out.put(e.getKey(), toTensor(e.getKey(), e.getValue()));
                }
            }
            return out;
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static Tensor toTensor(String name, OnnxValue v) throws OrtException {
        if (!(v instanceof OnnxTensor t)) {
            throw new IllegalArgumentException("output '" + name + "' is not a tensor");
        }
        long[] shape = t.getInfo().getShape();
        return switch (t.getInfo().type) {
            case FLOAT -> {
                FloatBuffer fb = t.getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                yield Tensor.of(a, shape);
            }
            case INT64 -> {
                LongBuffer lb = t.getLongBuffer();
                long[] a = new long[lb.remaining()];
                lb.get(a);
                yield Tensor.of(a, shape);
            }
            default -> throw new IllegalArgumentException("output '" + name + "' has type " + t.getInfo().type
                    + "; only float32 and int64 tensors are supported");
        };
    }
}
