package dev.vaeforge.serve.bench;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.serve.ModelServer;
import dev.vaeforge.serve.ServerSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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

/**
 * The serving load harness (docs/BENCHMARKS.md, "Serving"): reconstruct of one 64x64 image per request,
 * loopback only, at concurrency 1, 8 and 32 for a fixed time each: in-process {@code VaeRuntime} calls
 * (and one batch of 32 per call, the model's own batching gain), then the server with batching off (max
 * batch 1) and on (max batch 32, delay 0 and 2 ms); requests in the binary tensor extension
 * (tritonclient's default), plus JSON rows. The client is {@link LoadClient} in a second JVM (a lean
 * socket client unless {@code -Dbench.client=jdk}; one row set always uses the JDK HttpClient), so the
 * server's JVM holds only the server; the server's CPU per request is split by thread (from
 * /proc/self/task). Prints Markdown tables, the ratios against the targets, the CPU and the load before
 * and after. Not a test: run with
 * {@code mvn -B -q -Pserve-bench -pl serve -am test -DskipTests [-Dbench.args="SECONDS"]}.
 */
public final class ServeBench {
    private static final int[] CONCURRENCY = {1, 8, 32};

    private ServeBench() {
    }

    /** One measured cell; {@code server} is the server process's CPU over wall time, {@code client} the client's. */
    record Cell(String mode, int c, double rps, double p50, double p99, double server, double client, int errors,
                Map<String, Double> msPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        String clientKind = System.getProperty("bench.client", "socket");
        Path dir = Files.createTempDirectory("serve-bench");
        Path bundle = ConvBundle64.write(dir.resolve("conv64"));
        String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Cell> cells = new ArrayList<>();
        double[] batch32;
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, 64)) {
            for (int c : CONCURRENCY) {
                cells.add(inProcess(rt, c, seconds));
            }
            batch32 = batchOf32(rt, seconds);
        }
        String client = clientKind.equals("jdk") ? "JDK HttpClient" : "socket client";
        serve(bundle, "batching off (max batch 1)", 1, 0, seconds, "binary", clientKind, cells);
        serve(bundle, "batching on (max batch 32, delay 0)", 32, 0, seconds, "binary", clientKind, cells);
        serve(bundle, "batching on (max batch 32, delay 2 ms)", 32, 2, seconds, "binary", clientKind, cells);
        serve(bundle, "batching on (max batch 32, delay 0), JSON", 32, 0, seconds, "json", clientKind, cells);
        if (!clientKind.equals("jdk")) {
            serve(bundle, "batching on (max batch 32, delay 0), JDK HttpClient", 32, 0, seconds, "binary", "jdk", cells);
        }
        String load1 = Files.readString(Path.of("/proc/loadavg")).strip();

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nclient: %s in a second JVM (%s); %.1f s per cell after 1 s warm-up%n%n",
                client, clientKind, seconds));
        sb.append("| mode | concurrency | requests/s | p50 ms | p99 ms | server CPU cores | client CPU cores | server CPU ms/request | errors |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell k : cells) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.2f | %s | %.3f | %d |%n", k.mode, k.c, k.rps,
                    k.p50, k.p99, k.server, Double.isNaN(k.client) ? "-" : String.format(Locale.ROOT, "%.2f", k.client),
                    k.server * 1000 / k.rps, k.errors));
        }
        Cell in1 = find(cells, "in-process", 1);
        sb.append(String.format(Locale.ROOT, "%nin-process, one call of 32 images: %.0f images/s, %.3f CPU ms per image (the"
                + " model's own batching gain over c=1: %.2fx in images/s, %.2fx in CPU per image)%n", batch32[0], batch32[1],
                batch32[0] / in1.rps, in1.server * 1000 / in1.rps / batch32[1]));
        sb.append("\nServer CPU ms per request by thread (binary rows):\n\n");
        List<String> groups = List.of(GROUPS);
        sb.append("| mode | c |");
        groups.forEach(g -> sb.append(' ').append(g).append(" |"));
        sb.append("\n|---|---:|");
        groups.forEach(g -> sb.append("---:|"));
        sb.append('\n');
        for (Cell k : cells) {
            if (k.msPerRequest.isEmpty()) {
                continue;
            }
            sb.append("| ").append(k.mode).append(" | ").append(k.c).append(" |");
            groups.forEach(g -> sb.append(String.format(Locale.ROOT, " %.3f |", k.msPerRequest.getOrDefault(g, 0.0))));
            sb.append('\n');
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
        Cell off32 = find(cells, "batching off", 32);
        Cell on32 = find(cells, "batching on (max batch 32, delay 0)", 32);
        double overhead = find(cells, "batching on (max batch 32, delay 0)", 1).p50 - find(cells, "in-process", 1).p50;
        sb.append(String.format(Locale.ROOT, "targets: c=32 batching on/off >= 2x: %.2fx %s; c=1 server p50 - in-process p50"
                + " <= 0.5 ms: %.2f ms %s%n", on32.rps / off32.rps, on32.rps / off32.rps >= 2 ? "MET" : "MISSED", overhead,
                overhead <= 0.5 ? "MET" : "MISSED"));
        double off32ms = off32.server * 1000 / off32.rps;
        double on32ms = on32.server * 1000 / on32.rps;
        sb.append(String.format(Locale.ROOT, "load-independent view at c=32: server CPU per request off %.3f ms, on %.3f ms:"
                + " %.2fx (the throughput ratio when both are CPU-bound on these cores)%n", off32ms, on32ms, off32ms / on32ms));
        sb.append(String.format("%nCPU: %s, %d cores; Java %s; server --workers %d; load average before %s, after %s%n", cpu(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Integer.getInteger("bench.workers", 1), load0, load1));
        System.out.print(sb);
    }

    private static Cell find(List<Cell> cells, String prefix, int c) {
        return cells.stream().filter(k -> k.mode.startsWith(prefix) && k.c == c && !k.mode.contains("JSON")
                && !k.mode.contains("JDK")).findFirst().orElseThrow();
    }

    /** Thread groups of the server's JVM, by thread name (/proc/self/task/N/comm, at most 15 characters). */
    private static final String[] GROUPS = {"HTTP (Jetty)", "batch worker", "ONNX Runtime pool + main", "GC", "JIT", "other"};

    static String group(String comm) {
        if (comm.startsWith("JettyServerThre") || comm.startsWith("qtp") || comm.startsWith("Jetty")) {
            return GROUPS[0];
        }
        if (comm.startsWith("batch-")) {
            return GROUPS[1];
        }
        if (comm.equals("java")) {
            return GROUPS[2]; // native threads take their creator's name: ONNX Runtime's pool was made by main
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
            return GROUPS[3];
        }
        if (comm.contains("CompilerThre")) {
            return GROUPS[4];
        }
        return GROUPS[5];
    }

    /** CPU seconds so far of every thread of this process, by thread name. */
    static Map<String, Double> threadCpu() {
        Map<String, Double> out = new java.util.TreeMap<>();
        double tick = 100; // USER_HZ on Linux
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / tick;
                    out.merge(comm, cpu, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // not Linux: no breakdown
        }
        return out;
    }

    private static Map<String, Double> perRequest(Map<String, Double> before, Map<String, Double> after, long requests) {
        Map<String, Double> raw = new java.util.TreeMap<>();
        after.forEach((k, v) -> raw.put(k, v - before.getOrDefault(k, 0.0)));
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        raw.forEach((k, v) -> out.merge(group(k), v * 1000 / Math.max(1, requests), Double::sum));
        if (Boolean.getBoolean("bench.threads")) {
            raw.entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .limit(10).forEach(e -> System.err.printf(Locale.ROOT, "    %-16s %.3f ms/request%n", e.getKey(),
                            e.getValue() * 1000 / Math.max(1, requests)));
        }
        return out;
    }

    private static void serve(Path bundle, String mode, int maxBatch, long delay, double seconds, String body, String client,
                              List<Cell> cells) throws Exception {
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty() && !mode.contains(only) && !mode.startsWith("batching off") && !mode.equals(
                "batching on (max batch 32, delay 0)") && !mode.equals("batching on (max batch 32, delay 2 ms)")) {
            return; // -Dbench.only=TEXT: only the rows the ratios need and those whose mode contains TEXT
        }
        VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, Math.max(maxBatch, 1));
        // -Dbench.workers=N: batch workers per model and operation (--workers), the same for every row
        ServerSettings s = ServerSettings.defaults(0).withBatching(maxBatch, delay).withLimits(4096, 60_000, 64L << 20)
                .withWorkers(Integer.getInteger("bench.workers", 1));
        try (ModelServer server = ModelServer.start(Map.of("conv64", rt), s)) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", LoadClient.class.getName(), Integer.toString(server.port()), body, client,
                    Double.toString(seconds), String.join(",", Arrays.stream(CONCURRENCY).mapToObj(Integer::toString).toList()));
            // the class path through the environment: a long -cp makes ONNX Runtime 1.29 crash at start-up
            pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            warmUntilCompiled(p, mode);
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = 0;
            long cpu1 = 0;
            Map<String, Double> t0 = Map.of();
            Map<String, Double> t1 = Map.of();
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] f = line.split(" ");
                    switch (f[0]) {
                        case "GO" -> {
                            t0 = threadCpu();
                            cpu0 = os.getProcessCpuTime();
                        }
                        case "END" -> {
                            cpu1 = os.getProcessCpuTime();
                            t1 = threadCpu();
                        }
                        case "CELL" -> {
                            int c = Integer.parseInt(f[1]);
                            long n = Long.parseLong(f[2]);
                            double wall = Double.parseDouble(f[3]);
                            Cell cell = new Cell(mode, c, n / wall, Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                                    (cpu1 - cpu0) / 1e9 / wall, Double.parseDouble(f[7]) / wall, Integer.parseInt(f[6]),
                                    body.equals("binary") ? perRequest(t0, t1, n) : Map.of());
                            System.err.printf(Locale.ROOT, "%s c=%d: %.0f req/s, p50 %.2f ms, p99 %.2f ms, server %.2f cores,"
                                    + " %.3f ms CPU/request%n", mode, c, cell.rps, cell.p50, cell.p99, cell.server, cell.server * 1000 / cell.rps);
                            cells.add(cell);
                        }
                        case "WARM" -> {
                            // the count after GO
                        }
                        default -> System.err.println("client: " + line);
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IOException("the load client exited with " + p.exitValue());
            }
        }
    }

    /**
     * Lets the client's warm-up run until this JVM's JIT compiler threads were idle (under 3% of a core)
     * for 2 s running, at least 5 s and at most {@code -Dbench.warmup} s (default 120), then tells it GO.
     */
    private static void warmUntilCompiled(Process p, String mode) throws IOException, InterruptedException {
        long maxNanos = (long) (Double.parseDouble(System.getProperty("bench.warmup", "120")) * 1e9);
        long start = System.nanoTime();
        double last = jitSeconds();
        int quiet = 0;
        java.io.Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        while (System.nanoTime() - start < maxNanos && (quiet < 4 || System.nanoTime() - start < 5_000_000_000L)) {
            Thread.sleep(500);
            double now = jitSeconds();
            quiet = now - last < 0.015 ? quiet + 1 : 0;
            last = now;
        }
        System.err.printf(Locale.ROOT, "%s: warm-up %.1f s (JIT %s)%n", mode, (System.nanoTime() - start) / 1e9,
                quiet >= 4 ? "idle" : "still compiling: bench.warmup ran out");
        w.write("GO\n");
        w.flush();
    }

    private static double jitSeconds() {
        return threadCpu().entrySet().stream().filter(e -> group(e.getKey()).equals("JIT")).mapToDouble(Map.Entry::getValue).sum();
    }

    /** {@code c} threads calling {@code reconstruct(x, 1)} for 1 s of warm-up, then {@code seconds}. */
    private static Cell inProcess(VaeRuntime rt, int c, double seconds) throws Exception {
        AtomicBoolean recording = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        List<long[]> lat = new ArrayList<>();
        int[] counts = new int[c];
        CountDownLatch ready = new CountDownLatch(c);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            long[] mine = new long[(int) Math.min(5_000_000, seconds * 50_000 + 1000)];
            lat.add(mine);
            int id = t;
            float[] x = LoadClient.image(new Random(t + 1));
            Thread th = new Thread(() -> {
                ready.countDown();
                int k = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    rt.reconstruct(x, 1);
                    if (recording.get() && k < mine.length) {
                        mine[k++] = System.nanoTime() - t0;
                    }
                }
                counts[id] = k;
            }, "bench-client-" + t);
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
        long[] all = sortedLatencies(lat, counts);
        int n = all.length;
        Cell cell = new Cell("in-process", c, n / (wall / 1e9), pct(all, 0.50), pct(all, 0.99), cpu / (double) wall, Double.NaN,
                0, Map.of());
        System.err.printf(Locale.ROOT, "in-process c=%d: %.0f req/s, p50 %.2f ms, p99 %.2f ms%n", c, cell.rps, cell.p50, cell.p99);
        return cell;
    }

    /** Images per second and CPU ms per image of one thread calling {@code reconstruct} on 32 images at a time. */
    private static double[] batchOf32(VaeRuntime rt, double seconds) {
        float[] x = new float[32 * ConvBundle64.S * ConvBundle64.S];
        Random r = new Random(32);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            rt.reconstruct(x, 32);
        }
        long calls = 0;
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        end = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            rt.reconstruct(x, 32);
            calls++;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new double[] {calls * 32 / wall, (os.getProcessCpuTime() - cpu0) / 1e6 / (calls * 32)};
    }

    /** Every client thread's recorded latencies ({@code counts[t]} of {@code lat.get(t)}), merged and sorted. */
    static long[] sortedLatencies(java.util.List<long[]> lat, int[] counts) {
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int t = 0; t < counts.length; t++) {
            System.arraycopy(lat.get(t), 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return all;
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
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
