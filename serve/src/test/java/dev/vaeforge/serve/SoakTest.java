package dev.vaeforge.serve;

import static dev.vaeforge.serve.ServeTestKit.inferBody;
import static dev.vaeforge.serve.ServeTestKit.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests from 8 clients (reconstruct of 1-4 images, encode, sample) after 1,000 of warm-up: the heap after
 * a full GC grows by less than 16 MiB and the process's resident memory (heap + native: ONNX Runtime,
 * Jetty's buffers) by less than 64 MiB. 10,000 requests are tagged slow (about 25 s on two cores loaded by
 * other builds); the default suite runs 2,000.
 */
class SoakTest {
    static final int WARMUP = 1000;
    static final long HEAP_BOUND = 16L << 20;
    static final long RSS_BOUND = 64L << 20;

    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    void tenThousandRequestsDoNotGrowHeapOrNativeMemory() throws Exception {
        soak(10_000);
    }

    @Test
    void twoThousandRequestsDoNotGrowHeapOrNativeMemory() throws Exception {
        soak(2_000);
    }

    private void soak(int requests) throws Exception {
        Map<String, Path> b = Map.of("vae", ServeTestKit.bundles(dir).get("vae"));
        try (ModelServer server = ServeTestKit.start(b, ServerSettings.defaults(0).withBatching(16, 0))) {
            int port = server.port();
            run(port, WARMUP);
            long heap0 = heapAfterGc();
            long rss0 = rss();
            long t0 = System.nanoTime();
            run(port, requests);
            double s = (System.nanoTime() - t0) / 1e9;
            long heap1 = heapAfterGc();
            long rss1 = rss();
            System.out.printf("soak: %d requests in %.1f s; heap after GC %d -> %d MiB, RSS %d -> %d MiB%n", requests, s,
                    heap0 >> 20, heap1 >> 20, rss0 >> 20, rss1 >> 20);
            assertTrue(heap1 - heap0 < HEAP_BOUND, "heap grew " + ((heap1 - heap0) >> 20) + " MiB");
            assertTrue(rss1 - rss0 < RSS_BOUND, "resident memory grew " + ((rss1 - rss0) >> 20) + " MiB");
            assertEquals(0, server.queued());
        }
    }

    private static void run(int port, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            fs.add(pool.submit(() -> {
                Random r = new Random(client);
                while (next.getAndIncrement() < count) {
                    int kind = r.nextInt(3);
                    int n = 1 + r.nextInt(4);
                    byte[] body = kind == 2 ? inferBody("seed", new long[] {1}, new long[] {r.nextLong()})
                            : inferBody("image", new long[] {n, 1, 4, 4}, ServeTestKit.images(r, n, 16));
                    String path = kind == 0 ? "/v2/models/vae/infer" : kind == 1 ? "/v2/models/vae/versions/encode/infer"
                            : "/v2/models/vae/versions/sample/infer";
                    int status = post(port, path, body).statusCode();
                    if (status != 200) {
                        throw new AssertionError(path + " answered " + status);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process from /proc (Linux); 0 elsewhere, where only the heap bound is checked. */
    private static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }
}
