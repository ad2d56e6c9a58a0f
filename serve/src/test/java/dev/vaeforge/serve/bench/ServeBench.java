package dev.vaeforge.serve.bench;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.serve.ModelServer;
import dev.vaeforge.serve.ServerSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The serving load harness (docs/BENCHMARKS.md, "Serving"): reconstruct of one 64x64 image per request,
 * loopback only, at concurrency 1, 8 and 32 for a fixed time each: in-process {@code VaeRuntime} calls, the
 * server with batching off (max batch 1) and on (max batch 32, delay 0 and 2 ms); requests in the binary
 * tensor extension (tritonclient's default), plus JSON rows. Prints a Markdown table, the ratios and the
 * machine. Not a test: run with
 * {@code mvn -B -q -Pserve-bench -pl serve -am test -DskipTests [-Dbench.args="SECONDS"]}.
 */
public final class ServeBench {
    private static final int[] CONCURRENCY = {1, 8, 32};

    private ServeBench() {
    }

    record Cell(String mode, int c, double rps, double p50, double p99, double cores, int errors) {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = Files.createTempDirectory("serve-bench");
        Path bundle = ConvBundle64.write(dir.resolve("conv64"));
        String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Cell> cells = new ArrayList<>();
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, 64)) {
            for (int c : CONCURRENCY) {
                cells.add(measure("in-process", c, seconds, () -> {
                    float[] x = image(new Random());
                    return () -> rt.reconstruct(x, 1);
                }));
            }
        }
        serve(bundle, "batching off (max batch 1)", 1, 0, seconds, false, cells);
        serve(bundle, "batching on (max batch 32, delay 0)", 32, 0, seconds, false, cells);
        serve(bundle, "batching on (max batch 32, delay 2 ms)", 32, 2, seconds, false, cells);
        serve(bundle, "batching on (max batch 32, delay 0), JSON", 32, 0, seconds, true, cells);
        String load1 = Files.readString(Path.of("/proc/loadavg")).strip();

        StringBuilder sb = new StringBuilder();
        sb.append("| mode | concurrency | requests/s | p50 ms | p99 ms | CPU cores busy | errors |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Cell k : cells) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.2f | %d |%n", k.mode, k.c, k.rps, k.p50,
                    k.p99, k.cores, k.errors));
        }
        sb.append('\n');
        for (int c : CONCURRENCY) {
            Cell off = find(cells, "batching off", c);
            Cell on = find(cells, "batching on (max batch 32, delay 0)", c);
            Cell on2 = find(cells, "batching on (max batch 32, delay 2 ms)", c);
            Cell in = find(cells, "in-process", c);
            sb.append(String.format(Locale.ROOT, "c=%d: batching on / off throughput %.2fx (delay 2 ms: %.2fx); server (on)"
                    + " p50 - in-process p50 = %.2f ms; off - in-process = %.2f ms%n", c, on.rps / off.rps, on2.rps / off.rps,
                    on.p50 - in.p50, off.p50 - in.p50));
        }
        sb.append(String.format("%nCPU: %s, %d cores; load average before %s, after %s%n", cpu(),
                Runtime.getRuntime().availableProcessors(), load0, load1));
        System.out.print(sb);
    }

    private static Cell find(List<Cell> cells, String prefix, int c) {
        return cells.stream().filter(k -> k.mode.startsWith(prefix) && k.c == c && !k.mode.endsWith("JSON")).findFirst().orElseThrow();
    }

    private static void serve(Path bundle, String mode, int maxBatch, long delay, double seconds, boolean json, List<Cell> cells)
            throws Exception {
        VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, Math.max(maxBatch, 1));
        ServerSettings s = ServerSettings.defaults(0).withBatching(maxBatch, delay).withLimits(4096, 60_000, 64L << 20);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ModelServer server = ModelServer.start(Map.of("conv64", rt), s)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v2/models/conv64/versions/reconstruct/infer");
            // the first requests of a JVM load and compile the HTTP stack: keep them out of every cell
            HttpRequest.Builder warm = HttpRequest.newBuilder(uri);
            byte[] warmBody = json ? jsonBody(image(new Random(0))) : binaryBody(image(new Random(0)), warm);
            HttpRequest warmRequest = warm.POST(HttpRequest.BodyPublishers.ofByteArray(warmBody)).build();
            for (int i = 0; i < 300; i++) {
                client.send(warmRequest, HttpResponse.BodyHandlers.ofByteArray());
            }
            for (int c : CONCURRENCY) {
                cells.add(measure(mode, c, seconds, () -> {
                    float[] x = image(new Random());
                    HttpRequest.Builder req = HttpRequest.newBuilder(uri);
                    byte[] body = json ? jsonBody(x) : binaryBody(x, req);
                    HttpRequest built = req.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                    return () -> {
                        HttpResponse<byte[]> r = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            throw new IOException("status " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
                        }
                    };
                }));
            }
        }
    }

    interface Call {
        void run() throws Exception;
    }

    interface CallFactory {
        Call make() throws Exception;
    }

    /** {@code c} threads calling for 1 s of warm-up, then {@code seconds}; each call's latency recorded. */
    private static Cell measure(String mode, int c, double seconds, CallFactory factory) throws Exception {
        AtomicBoolean recording = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicInteger errors = new AtomicInteger();
        List<long[]> lat = new ArrayList<>();
        int[] counts = new int[c];
        CountDownLatch ready = new CountDownLatch(c);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            long[] mine = new long[2_000_000];
            lat.add(mine);
            int id = t;
            Call call = factory.make();
            Thread th = new Thread(() -> {
                ready.countDown();
                int k = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        call.run();
                    } catch (Exception e) {
                        if (errors.getAndIncrement() == 0) {
                            System.err.println(mode + ": " + e);
                        }
                    }
                    if (recording.get() && k < mine.length) {
                        mine[k++] = System.nanoTime() - t0;
                    }
                }
                counts[id] = k;
            });
            threads.add(th);
            th.start();
        }
        ready.await();
        Thread.sleep(1000);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        recording.set(true);
        Thread.sleep((long) (seconds * 1000));
        recording.set(false);
        long wall = System.nanoTime() - w0;
        long cpu = os.getProcessCpuTime() - cpu0;
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        int n = 0;
        for (int k : counts) {
            n += k;
        }
        long[] all = new long[n];
        int at = 0;
        for (int t = 0; t < c; t++) {
            System.arraycopy(lat.get(t), 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        Cell cell = new Cell(mode, c, n / (wall / 1e9), pct(all, 0.50), pct(all, 0.99), cpu / (double) wall, errors.get());
        System.err.printf(Locale.ROOT, "%s c=%d: %.0f req/s, p50 %.2f ms, p99 %.2f ms%n", mode, c, cell.rps, cell.p50, cell.p99);
        return cell;
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    private static float[] image(Random r) {
        float[] x = new float[ConvBundle64.S * ConvBundle64.S];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    private static byte[] binaryBody(float[] x, HttpRequest.Builder req) {
        byte[] header = ("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,64,64],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":" + x.length * 4 + "}}],\"parameters\":{\"binary_data_output\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(header.length + x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header);
        for (float v : x) {
            b.putFloat(v);
        }
        req.header("Inference-Header-Content-Length", Integer.toString(header.length));
        return b.array();
    }

    private static byte[] jsonBody(float[] x) {
        StringBuilder sb = new StringBuilder("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,64,64],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < x.length; i++) {
            sb.append(i > 0 ? "," : "").append(x[i]);
        }
        return sb.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
