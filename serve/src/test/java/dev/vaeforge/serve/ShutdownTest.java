package dev.vaeforge.serve;

import static dev.vaeforge.serve.ServeTestKit.floats;
import static dev.vaeforge.serve.ServeTestKit.inferBody;
import static dev.vaeforge.serve.ServeTestKit.json;
import static dev.vaeforge.serve.ServeTestKit.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() (what SIGTERM runs) answers everything queued, refuses new work, then stops and closes the sessions. */
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void shutdownDrainsTheQueue() throws Exception {
        Map<String, Path> b = Map.of("vae", ServeTestKit.bundles(dir).get("vae"));
        ServerSettings s = ServerSettings.defaults(0).withBatching(64, 1500);
        ModelServer server = ServeTestKit.start(b, s);
        int port = server.port();
        try (VaeRuntime rt = VaeRuntime.open(b.get("vae"), Device.CPU)) {
            List<CompletableFuture<HttpResponse<byte[]>>> queued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                queued.add(LimitsTest.postAsync(port, "/v2/models/vae/versions/sample/infer", inferBody("seed", new long[] {1}, new long[] {i})));
            }
            LimitsTest.awaitQueued(server, 8);
            long t0 = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            for (int i = 0; i < 8; i++) {
                HttpResponse<byte[]> r = queued.get(i).get();
                assertEquals(200, r.statusCode(), () -> text(r));
                assertArrayEquals(rt.sample(1, i), floats(json(r), "image"));
            }
            closing.get();
            // the drain did not wait out the batching delay
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 1400, "drained in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertTrue(server.isClosed());
            assertEquals(0, server.queued());
            assertThrows(RuntimeException.class, () -> ServeTestKit.get(port, "/v2/health/live"), "no longer accepting");
            server.close(); // twice is harmless
        }
    }
}
