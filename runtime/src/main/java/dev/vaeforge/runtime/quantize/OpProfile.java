package dev.vaeforge.runtime.quantize;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.SessionRun;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a graph's time goes in ONNX Runtime on this CPU: the graph runs {@code runs} times with ORT's
 * profiler on (the runtime's session options otherwise), and the kernel time of every node is summed by
 * op type (microseconds per run). Says which kernels an int8 graph spends its time in.
 */
public final class OpProfile {
    private OpProfile() {
    }

    public static Map<String, Double> microsByOp(byte[] model, Map<String, Tensor> feed, int runs) {
        Path prefix = null;
        Path file = null;
        try {
            prefix = Files.createTempFile("vaeforge-profile", "");
            try (OrtSession.SessionOptions opts = Sessions.options(Device.CPU)) {
                opts.enableProfiling(prefix.toString());
                try (OrtSession s = Sessions.environment().createSession(model, opts)) {
                    SessionRun.run(s, feed); // warm-up, counted out below by dividing only the later runs
                    for (int i = 0; i < runs; i++) {
                        SessionRun.run(s, feed);
                    }
                    file = Path.of(s.endProfiling());
                }
            }
            Map<String, Double> sum = new TreeMap<>();
            for (JsonNode e : Json.mapper().readTree(Files.readString(file))) {
                if ("Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith("_kernel_time")) {
                    sum.merge(e.path("args").path("op_name").asText(), e.path("dur").asDouble(), Double::sum);
                }
            }
            Map<String, Double> perRun = new LinkedHashMap<>();
            sum.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> perRun.put(e.getKey(), Math.round(e.getValue() / (runs + 1) * 10) / 10.0));
            return perRun;
        } catch (OrtException | IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.DEVICE, "cannot profile in ONNX Runtime: " + e.getMessage(), e);
        } finally {
            for (Path p : new Path[] {prefix, file}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temporary file
                    }
                }
            }
        }
    }
}
