package dev.vaeforge.runtime.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.session.Sessions;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one session on float inputs and copies float outputs out, closing every native tensor
 * before returning (so repeated calls do not grow native memory).
 */
public final class GraphRunner {
    private GraphRunner() {
    }

    /** A named float input of the given shape. */
    public record Input(String name, float[] data, long[] shape) {
    }

    /** Runs {@code session} and returns the named float outputs in the order asked for. */
    public static float[][] run(OrtSession session, List<Input> inputs, List<String> outputs) {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Input in : inputs) {
                feed.put(in.name(), OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(in.data()), in.shape()));
            }
            try (OrtSession.Result result = session.run(feed, new java.util.LinkedHashSet<>(outputs))) {
                float[][] out = new float[outputs.size()][];
                for (int i = 0; i < outputs.size(); i++) {
                    OnnxValue v = result.get(outputs.get(i)).orElseThrow();
                    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                    out[i] = new float[fb.remaining()];
                    fb.get(out[i]);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, "ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }
}
