package dev.vaeforge.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.TinyBundles;
import dev.vaeforge.runtime.bundle.V2Fixtures;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tiny bundles, a server over them on an ephemeral loopback port, and the JDK HttpClient to talk to it. */
final class ServeTestKit {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ServeTestKit() {
    }

    /** vae: Gaussian 1x4x4, D = 2; cvae: conditioned on three labels; vq: codes [2, 2] with K = 2 and an empirical prior. */
    static Map<String, Path> bundles(Path dir) {
        Map<String, Path> b = new LinkedHashMap<>();
        b.put("vae", dir.resolve("vae"));
        TinyBundles.write(b.get("vae"));
        b.put("cvae", dir.resolve("cvae"));
        TinyBundles.writeConditional(b.get("cvae"), "labels", List.of("square", "ellipse", "heart"));
        b.put("vq", dir.resolve("vq"));
        long[] idx = {0, 1, 1, 0, 1, 1, 0, 0};
        V2Fixtures.writeCodes(b.get("vq"), CodePrior.fit(idx, 2, 2, 2, 2));
        return b;
    }

    static Map<String, VaeRuntime> open(Map<String, Path> bundles, int maxBatch) {
        Map<String, VaeRuntime> m = new LinkedHashMap<>();
        bundles.forEach((k, v) -> m.put(k, VaeRuntime.open(v, Device.CPU, maxBatch)));
        return m;
    }

    static ModelServer start(Map<String, Path> bundles, ServerSettings settings) {
        return ModelServer.start(open(bundles, settings.maxBatch()), settings);
    }

    static HttpResponse<byte[]> get(int port, String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(port, path)).GET(), headers);
    }

    static HttpResponse<byte[]> post(int port, String path, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(uri(port, path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An infer body with FP32 / INT64 tensors given as (name, shape, float[] or long[]). */
    static byte[] inferBody(Object... tensors) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode inputs = root.putArray("inputs");
        for (int i = 0; i < tensors.length; i += 3) {
            ObjectNode t = inputs.addObject();
            t.put("name", (String) tensors[i]);
            ArrayNode shape = t.putArray("shape");
            for (long d : (long[]) tensors[i + 1]) {
                shape.add(d);
            }
            ArrayNode data;
            if (tensors[i + 2] instanceof float[] f) {
                t.put("datatype", "FP32");
                data = t.putArray("data");
                for (float v : f) {
                    data.add(v);
                }
            } else {
                t.put("datatype", "INT64");
                data = t.putArray("data");
                for (long v : (long[]) tensors[i + 2]) {
                    data.add(v);
                }
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The FP32 data of output {@code name} of an infer response. */
    static float[] floats(JsonNode response, String name) {
        for (JsonNode o : response.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                JsonNode d = o.get("data");
                float[] out = new float[d.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) d.get(i).asDouble();
                }
                return out;
            }
        }
        throw new AssertionError("no output " + name + " in " + response);
    }

    static long[] longs(JsonNode response, String name) {
        for (JsonNode o : response.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                JsonNode d = o.get("data");
                long[] out = new long[d.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = d.get(i).asLong();
                }
                return out;
            }
        }
        throw new AssertionError("no output " + name + " in " + response);
    }

    static float[] images(Random r, int n, int per) {
        float[] x = new float[n * per];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
