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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** 32 clients at once, each with its own images and sizes, each gets exactly what an in-process call gives for its input. */
class ConcurrentClientsTest {
    static final int CLIENTS = 32;
    static final int REQUESTS = 4;

    @TempDir
    Path dir;

    /** Delay 5 ms: batches form while requests wait; delay 0: a request finding nothing queued runs on its own thread. */
    @ParameterizedTest
    @ValueSource(longs = {5, 0})
    void everyClientGetsExactlyItsOwnResults(long delay) throws Exception {
        Map<String, Path> b = ServeTestKit.bundles(dir);
        ServerSettings s = ServerSettings.defaults(0).withBatching(16, delay);
        try (ModelServer server = ServeTestKit.start(b, s); VaeRuntime vae = VaeRuntime.open(b.get("vae"), Device.CPU);
             VaeRuntime cvae = VaeRuntime.open(b.get("cvae"), Device.CPU)) {
            int port = server.port();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    Random r = new Random(100 + client);
                    go.await();
                    int checked = 0;
                    for (int k = 0; k < REQUESTS; k++) {
                        int n = 1 + r.nextInt(5);
                        float[] x = ServeTestKit.images(r, n, 16);
                        if (client % 2 == 0) {
                            HttpResponse<byte[]> resp = post(port, "/v2/models/vae/infer", inferBody("image", new long[] {n, 1, 4, 4}, x));
                            assertEquals(200, resp.statusCode(), () -> text(resp));
                            assertArrayEquals(vae.reconstruct(x, n), floats(json(resp), "reconstruction"), "client " + client);
                        } else {
                            float[] y = new float[n * 3];
                            for (int i = 0; i < n; i++) {
                                y[i * 3 + r.nextInt(3)] = 1;
                            }
                            HttpResponse<byte[]> resp = post(port, "/v2/models/cvae/versions/encode/infer",
                                    inferBody("image", new long[] {n, 1, 4, 4}, x, "condition", new long[] {n, 3}, y));
                            assertEquals(200, resp.statusCode(), () -> text(resp));
                            assertArrayEquals(cvae.encode(x, y, n).mu(), floats(json(resp), "mean"), "client " + client);
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            pool.shutdown();
            assertEquals(CLIENTS * REQUESTS, total);
            String metrics = text(ServeTestKit.get(port, "/metrics"));
            Matcher m = Pattern.compile("vaeforge_batch_size_max\\{model=\"vae\",operation=\"reconstruct\"} (\\S+)").matcher(metrics);
            assertTrue(m.find(), metrics);
            assertTrue(delay == 0 || Double.parseDouble(m.group(1)) > 5, "requests from different clients were batched together: max " + m.group(1));
        }
    }
}
