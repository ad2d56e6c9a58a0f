package dev.vaeforge.serve;

import static dev.vaeforge.serve.ServeTestKit.floats;
import static dev.vaeforge.serve.ServeTestKit.get;
import static dev.vaeforge.serve.ServeTestKit.inferBody;
import static dev.vaeforge.serve.ServeTestKit.json;
import static dev.vaeforge.serve.ServeTestKit.longs;
import static dev.vaeforge.serve.ServeTestKit.post;
import static dev.vaeforge.serve.ServeTestKit.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.PngWriter;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint against a live server, each result compared with the same call on an in-process VaeRuntime. */
class ModelServerEndpointsTest {
    @TempDir
    static Path dir;
    static ModelServer server;
    static Map<String, VaeRuntime> local;
    static int port;

    @BeforeAll
    static void start() {
        Map<String, Path> b = ServeTestKit.bundles(dir);
        server = ServeTestKit.start(b, ServerSettings.defaults(0));
        port = server.port();
        local = ServeTestKit.open(b, 64);
    }

    @AfterAll
    static void stop() {
        server.close();
        local.values().forEach(VaeRuntime::close);
    }

    @Test
    void healthAndServerMetadata() {
        assertEquals(200, get(port, "/v2/health/live").statusCode());
        HttpResponse<byte[]> ready = get(port, "/v2/health/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(json(ready).get("ready").asBoolean());
        JsonNode meta = json(get(port, "/v2"));
        assertEquals("vaeforge", meta.get("name").asText());
        assertEquals("binary_tensor_data", meta.get("extensions").get(0).asText());
        assertEquals(200, get(port, "/v2/models/vq/versions/sample/ready").statusCode());
    }

    @Test
    void metadataSaysEachBundlesOperationsDatatypesAndShapes() {
        JsonNode vae = json(get(port, "/v2/models/vae"));
        assertEquals("[\"encode\",\"decode\",\"reconstruct\",\"sample\"]", vae.get("versions").toString());
        assertEquals("[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[-1,1,4,4]}]", vae.get("inputs").toString());
        assertEquals("reconstruct", vae.get("parameters").get("version").asText());
        JsonNode enc = json(get(port, "/v2/models/vae/versions/encode"));
        assertEquals("[{\"name\":\"mean\",\"datatype\":\"FP32\",\"shape\":[-1,2]},{\"name\":\"logvar\",\"datatype\":\"FP32\","
                + "\"shape\":[-1,2]}]", enc.get("outputs").toString());
        JsonNode cvae = json(get(port, "/v2/models/cvae/versions/sample"));
        assertEquals("[{\"name\":\"seed\",\"datatype\":\"INT64\",\"shape\":[-1]},{\"name\":\"condition\",\"datatype\":\"FP32\","
                + "\"shape\":[-1,3]}]", cvae.get("inputs").toString());
        assertEquals("[\"square\",\"ellipse\",\"heart\"]", cvae.get("parameters").get("condition_names").toString());
        JsonNode vqEnc = json(get(port, "/v2/models/vq/versions/encode"));
        assertEquals("[{\"name\":\"codes\",\"datatype\":\"INT64\",\"shape\":[-1,2,2]}]", vqEnc.get("outputs").toString());
        JsonNode vqDec = json(get(port, "/v2/models/vq/versions/decode"));
        assertEquals("[{\"name\":\"codes\",\"datatype\":\"INT64\",\"shape\":[-1,2,2]}]", vqDec.get("inputs").toString());
        assertEquals(2, vqDec.get("parameters").get("codebook_size").asInt());
    }

    @Test
    void gaussianOperationsEqualInProcessCalls() {
        VaeRuntime rt = local.get("vae");
        float[] x = ServeTestKit.images(new Random(1), 3, 16);
        JsonNode rec = json(post(port, "/v2/models/vae/infer", inferBody("image", new long[] {3, 1, 4, 4}, x)));
        assertEquals("reconstruct", rec.get("model_version").asText());
        assertEquals("[3,1,4,4]", rec.get("outputs").get(0).get("shape").toString());
        assertArrayEquals(rt.reconstruct(x, 3), floats(rec, "reconstruction"));

        JsonNode enc = json(post(port, "/v2/models/vae/versions/encode/infer", inferBody("image", new long[] {3, 1, 4, 4}, x)));
        Posterior q = rt.encode(x, 3);
        assertArrayEquals(q.mu(), floats(enc, "mean"));
        assertArrayEquals(q.logvar(), floats(enc, "logvar"));

        float[] z = {0.5f, -1f, 2f, 0f};
        JsonNode dec = json(post(port, "/v2/models/vae/versions/decode/infer", inferBody("latent", new long[] {2, 2}, z)));
        assertArrayEquals(rt.decode(z, 2), floats(dec, "image"));

        JsonNode s = json(post(port, "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {2}, new long[] {7, 8})));
        float[] got = floats(s, "image");
        float[] first = new float[16];
        System.arraycopy(got, 0, first, 0, 16);
        float[] second = new float[16];
        System.arraycopy(got, 16, second, 0, 16);
        assertArrayEquals(rt.sample(1, 7), first);
        assertArrayEquals(rt.sample(1, 8), second);
    }

    @Test
    void conditionedAndCodeGridOperationsEqualInProcessCalls() {
        VaeRuntime cvae = local.get("cvae");
        float[] x = ServeTestKit.images(new Random(2), 2, 16);
        float[] y = {0, 0, 1, 1, 0, 0};
        JsonNode rec = json(post(port, "/v2/models/cvae/versions/reconstruct/infer",
                inferBody("image", new long[] {2, 1, 4, 4}, x, "condition", new long[] {2, 3}, y)));
        assertArrayEquals(cvae.reconstruct(x, y, 2), floats(rec, "reconstruction"));
        JsonNode s = json(post(port, "/v2/models/cvae/versions/sample/infer",
                inferBody("seed", new long[] {1}, new long[] {5}, "condition", new long[] {1, 3}, new float[] {0, 1, 0})));
        assertArrayEquals(cvae.sample(1, 5, new float[] {0, 1, 0}), floats(s, "image"));

        VaeRuntime vq = local.get("vq");
        float[] img = {0.9f, 0.1f, 0.7f, 0.2f};
        JsonNode codes = json(post(port, "/v2/models/vq/versions/encode/infer", inferBody("image", new long[] {1, 1, 2, 2}, img)));
        assertArrayEquals(vq.quantize(vq.encodeGrid(img, 1), 1).indices(), longs(codes, "codes"));
        assertEquals("INT64", codes.get("outputs").get(0).get("datatype").asText());
        JsonNode dec = json(post(port, "/v2/models/vq/versions/decode/infer",
                inferBody("codes", new long[] {1, 2, 2}, new long[] {1, 0, 0, 1})));
        assertArrayEquals(vq.decodeCodes(new long[] {1, 0, 0, 1}, 1), floats(dec, "image"));
        JsonNode vs = json(post(port, "/v2/models/vq/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {3})));
        assertArrayEquals(vq.sample(1, 3), floats(vs, "image"));
        JsonNode vr = json(post(port, "/v2/models/vq/infer", inferBody("image", new long[] {1, 1, 2, 2}, img)));
        assertArrayEquals(vq.reconstruct(img, 1), floats(vr, "reconstruction"));
    }

    @Test
    void requestedOutputsIdAndNestedData() {
        float[] x = ServeTestKit.images(new Random(3), 1, 16);
        StringBuilder nested = new StringBuilder("[[[");
        for (int r = 0; r < 4; r++) {
            nested.append(r > 0 ? "],[" : "[");
            for (int c = 0; c < 4; c++) {
                nested.append(c > 0 ? "," : "").append(x[r * 4 + c]);
            }
        }
        nested.append("]]]]");
        String body = "{\"id\":\"req-1\",\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,4,4],\"datatype\":\"FP32\",\"data\":"
                + nested + "}],\"outputs\":[{\"name\":\"logvar\"}]}";
        JsonNode r = json(post(port, "/v2/models/vae/versions/encode/infer", body.getBytes(StandardCharsets.UTF_8)));
        assertEquals("req-1", r.get("id").asText());
        assertEquals(1, r.get("outputs").size());
        assertArrayEquals(local.get("vae").encode(x, 1).logvar(), floats(r, "logvar"));
    }

    @Test
    void dataMayComeBeforeNameAndDatatype() {
        float[] z = {0.25f, -0.5f};
        String body = "{\"inputs\":[{\"data\":[[0.25,-0.5]],\"shape\":[1,2],\"datatype\":\"FP32\",\"name\":\"latent\"}]}";
        HttpResponse<byte[]> r = post(port, "/v2/models/vae/versions/decode/infer", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), () -> text(r));
        assertArrayEquals(local.get("vae").decode(z, 1), floats(json(r), "image"));
    }

    @Test
    void binaryTensorExtensionBothWays() {
        float[] x = ServeTestKit.images(new Random(4), 2, 16);
        byte[] header = ("{\"inputs\":[{\"name\":\"image\",\"shape\":[2,1,4,4],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":128}}],\"outputs\":[{\"name\":\"reconstruction\",\"parameters\":{\"binary_data\":true}}]}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(header.length + 128).order(ByteOrder.LITTLE_ENDIAN);
        body.put(header);
        for (float v : x) {
            body.putFloat(v);
        }
        HttpResponse<byte[]> r = post(port, "/v2/models/vae/versions/reconstruct/infer", body.array(),
                "Inference-Header-Content-Length", Integer.toString(header.length), "Content-Type", "application/octet-stream");
        assertEquals(200, r.statusCode(), () -> text(r));
        int h = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode meta = ServeTestKit.json(HttpResponseSlice.of(r, h));
        assertEquals(128, meta.get("outputs").get(0).get("parameters").get("binary_data_size").asInt());
        ByteBuffer out = ByteBuffer.wrap(r.body(), h, 128).order(ByteOrder.LITTLE_ENDIAN);
        float[] got = new float[32];
        out.asFloatBuffer().get(got);
        assertArrayEquals(local.get("vae").reconstruct(x, 2), got);
    }

    @Test
    void imageEndpointReturnsThePngOfTheInProcessReconstruction() throws Exception {
        float[] x = ServeTestKit.images(new Random(5), 1, 16);
        byte[] png = PngWriter.encode(new FloatImage(1, 4, 4, x));
        HttpResponse<byte[]> r = post(port, "/v1/models/vae/reconstruct", png, "Content-Type", "image/png");
        assertEquals(200, r.statusCode(), () -> text(r));
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElseThrow());
        float[] decoded = ImageDecoder.decode(png, "x").image().data();
        byte[] expected = PngWriter.encode(new FloatImage(1, 4, 4, local.get("vae").reconstruct(decoded, 1)));
        assertArrayEquals(expected, r.body());

        HttpResponse<byte[]> c = post(port, "/v1/models/cvae/reconstruct?label=heart", png);
        assertEquals(200, c.statusCode(), () -> text(c));
        byte[] expectedC = PngWriter.encode(new FloatImage(1, 4, 4, local.get("cvae").reconstruct(decoded, new float[] {0, 0, 1}, 1)));
        assertArrayEquals(expectedC, c.body());
    }

    @Test
    void metricsArePrometheusText() {
        post(port, "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {1}));
        post(port, "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new float[] {1}));
        HttpResponse<byte[]> m = get(port, "/metrics");
        assertEquals(200, m.statusCode());
        String t = text(m);
        assertTrue(t.contains("vaeforge_requests_total{model=\"vae\",operation=\"sample\",status=\"200\"}"), t);
        assertTrue(t.contains("vaeforge_request_errors_total{model=\"vae\",operation=\"sample\",status=\"400\"}"), t);
        assertTrue(t.contains("vaeforge_request_duration_seconds_bucket{model=\"vae\",operation=\"sample\""), t);
        assertTrue(t.contains("vaeforge_batch_size_bucket{model=\"vae\",operation=\"sample\""), t);
        assertTrue(t.contains("vaeforge_queue_depth{model=\"vae\",operation=\"sample\"}"), t);
        assertTrue(t.contains("jvm_memory_used_bytes"), t);
    }

    @Test
    void unknownEndpointsAnswerJsonErrors() {
        HttpResponse<byte[]> r = get(port, "/v2/nothing");
        assertEquals(404, r.statusCode());
        assertTrue(json(r).get("error").asText().contains("/v2/nothing"), text(r));
    }

    /** The JSON header of a binary response. */
    static final class HttpResponseSlice {
        static HttpResponse<byte[]> of(HttpResponse<byte[]> r, int length) {
            byte[] head = java.util.Arrays.copyOf(r.body(), length);
            return new HttpResponse<>() {
                public int statusCode() { return r.statusCode(); }
                public java.net.http.HttpRequest request() { return r.request(); }
                public java.util.Optional<HttpResponse<byte[]>> previousResponse() { return java.util.Optional.empty(); }
                public java.net.http.HttpHeaders headers() { return r.headers(); }
                public byte[] body() { return head; }
                public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
                public java.net.URI uri() { return r.uri(); }
                public java.net.http.HttpClient.Version version() { return r.version(); }
            };
        }
    }
}
