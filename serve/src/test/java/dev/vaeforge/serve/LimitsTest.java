package dev.vaeforge.serve;

import static dev.vaeforge.serve.ServeTestKit.floats;
import static dev.vaeforge.serve.ServeTestKit.inferBody;
import static dev.vaeforge.serve.ServeTestKit.json;
import static dev.vaeforge.serve.ServeTestKit.post;
import static dev.vaeforge.serve.ServeTestKit.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue bound (429 + Retry-After), the timeout (504), splitting of requests larger than a batch. */
class LimitsTest {
    @TempDir
    Path dir;

    static CompletableFuture<HttpResponse<byte[]>> postAsync(int port, String path, byte[] body) {
        return ServeTestKit.CLIENT.sendAsync(HttpRequest.newBuilder(ServeTestKit.uri(port, path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static void awaitQueued(ModelServer s, int n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (s.queued() < n && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        assertEquals(n, s.queued());
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndTheQueuedOnesStillRun() throws Exception {
        Map<String, Path> b = Map.of("vae", ServeTestKit.bundles(dir).get("vae"));
        // batches of up to 64 wait 1.5 s for company: four single seeds fill a queue of 4
        ServerSettings s = ServerSettings.defaults(0).withBatching(64, 1500).withLimits(4, 30_000, 1 << 20);
        try (ModelServer server = ServeTestKit.start(b, s); VaeRuntime rt = VaeRuntime.open(b.get("vae"), Device.CPU)) {
            List<CompletableFuture<HttpResponse<byte[]>>> queued = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                queued.add(postAsync(server.port(), "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {i})));
            }
            awaitQueued(server, 4);
            HttpResponse<byte[]> full = post(server.port(), "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {9}));
            assertEquals(429, full.statusCode(), () -> text(full));
            assertEquals("1", full.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(json(full).get("error").asText().contains("queue of vae/sample is full"), text(full));
            HttpResponse<byte[]> tooMany = post(server.port(), "/v2/models/vae/versions/sample/infer",
                    inferBody("seed", new long[] {5}, new long[] {1, 2, 3, 4, 5}));
            assertEquals(413, tooMany.statusCode(), () -> text(tooMany));
            for (int i = 0; i < 4; i++) {
                HttpResponse<byte[]> r = queued.get(i).get();
                assertEquals(200, r.statusCode(), () -> text(r));
                assertArrayEquals(rt.sample(1, i), floats(json(r), "image"));
            }
            String metrics = text(ServeTestKit.get(server.port(), "/metrics"));
            // the four ran as one batch of 4
            assertTrue(metrics.contains("vaeforge_batch_size_count{model=\"vae\",operation=\"sample\"} 1"), metrics);
            assertTrue(metrics.contains("vaeforge_requests_total{model=\"vae\",operation=\"sample\",status=\"429\"} 1"), metrics);
        }
    }

    @Test
    void aRequestWaitingPastTheTimeoutGets504() {
        Map<String, Path> b = Map.of("vae", ServeTestKit.bundles(dir).get("vae"));
        ServerSettings s = ServerSettings.defaults(0).withBatching(64, 3000).withLimits(64, 200, 1 << 20);
        try (ModelServer server = ServeTestKit.start(b, s)) {
            // the first request of a JVM loads the HTTP stack's classes: time a later one
            post(server.port(), "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {0}));
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = post(server.port(), "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {1}));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(504, r.statusCode(), () -> text(r));
            assertTrue(json(r).get("error").asText().contains("timeoutMs 200"), text(r));
            assertTrue(ms < 2500, "answered after " + ms + " ms");
            assertEquals(0, server.queued(), "the expired item left the queue");
        }
    }

    @Test
    void aRequestLargerThanTheBatchIsSplitAndAnsweredInOrder() {
        Map<String, Path> b = Map.of("vae", ServeTestKit.bundles(dir).get("vae"));
        ServerSettings s = ServerSettings.defaults(0).withBatching(4, 1);
        try (ModelServer server = ServeTestKit.start(b, s); VaeRuntime rt = VaeRuntime.open(b.get("vae"), Device.CPU)) {
            float[] x = ServeTestKit.images(new Random(11), 10, 16);
            HttpResponse<byte[]> r = post(server.port(), "/v2/models/vae/infer", inferBody("image", new long[] {10, 1, 4, 4}, x));
            assertEquals(200, r.statusCode(), () -> text(r));
            assertArrayEquals(rt.reconstruct(x, 10), floats(json(r), "reconstruction"));
            String metrics = text(ServeTestKit.get(server.port(), "/metrics"));
            assertTrue(metrics.contains("vaeforge_batch_size_max{model=\"vae\",operation=\"reconstruct\"} 4.0"), metrics);
            assertTrue(metrics.contains("vaeforge_batch_size_count{model=\"vae\",operation=\"reconstruct\"} 3"), metrics);
        }
    }
}
