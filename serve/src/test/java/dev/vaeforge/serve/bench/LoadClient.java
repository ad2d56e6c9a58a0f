package dev.vaeforge.serve.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load harness's client, run as its own JVM so that it does not share the server's JVM (its JIT,
 * GC and safepoints); it still shares the machine's cores. Closed loop: {@code c} threads, each on its
 * own keep-alive connection, send {@code reconstruct} of one 64x64 image and send the next when the
 * answer is in. Two clients: {@code socket} (default), blocking HTTP/1.1 over a plain socket, about as
 * lean as {@code wrk}, so that what is measured is the server; {@code jdk}, the JDK's HttpClient, what a
 * Java user would call.
 *
 * <p>Protocol on stdout, one line each, for every concurrency in turn: {@code GO c} when the 1 s warm-up
 * is over and recording starts, {@code END c} when it stops, then {@code CELL c requests seconds p50_ms
 * p99_ms errors client_cpu_seconds}. Arguments: {@code PORT binary|json socket|jdk SECONDS C1,C2,...}.
 */
public final class LoadClient {
    private LoadClient() {
    }

    interface Call {
        void run() throws IOException, InterruptedException;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        boolean json = args[1].equals("json");
        boolean jdk = args[2].equals("jdk");
        double seconds = Double.parseDouble(args[3]);
        int[] cs = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        String path = "/v2/models/conv64/versions/reconstruct/infer";
        HttpClient client = jdk ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : null;
        warmUp(port, path, json, client);
        for (int c : cs) {
            measure(port, path, json, client, c, seconds);
        }
        System.exit(0);
    }

    /**
     * Until the server says {@code GO} on stdin: one connection sends all the time and 31 more join it
     * every other second, so that the server compiles both the path a lone request takes (run inline on
     * its HTTP thread) and the queued, batched one. The server's JIT compiles a method called once per
     * request only after thousands of requests (C2's thresholds), so a fixed short warm-up measures
     * half-compiled code; the server watches its compiler threads and says GO once they are idle. (With
     * 8 steady connections only, the first server of a run still spent 0.3-0.7 ms of JIT per request in
     * its c = 1 and c = 32 cells.) Prints {@code WARM requests}.
     */
    private static void warmUp(int port, String path, boolean json, HttpClient client) throws Exception {
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < 32; t++) {
            Call call = call(port, path, json, client, new Random(-t));
            boolean steady = t == 0;
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (!steady && ((System.nanoTime() - start) / 1_000_000_000L) % 2 == 1) {
                            Thread.sleep(5); // the lone-request second
                            continue;
                        }
                        call.run();
                        done.incrementAndGet();
                    } catch (Exception e) {
                        System.err.println("warm-up: " + e);
                        return;
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("GO"); line = in.readLine()) {
            System.out.println("WARM " + done.get());
            System.out.flush();
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        System.out.println("WARM " + done.get());
        System.out.flush();
    }

    private static Call call(int port, String path, boolean json, HttpClient client, Random r) throws IOException {
        float[] x = image(r);
        byte[] header = json ? null : binaryHeader(x.length);
        byte[] body = json ? jsonBody(x) : binaryBody(header, x);
        if (client != null) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (!json) {
                b.header("Inference-Header-Content-Length", Integer.toString(header.length));
            }
            HttpRequest req = b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return () -> {
                HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                if (resp.statusCode() != 200) {
                    throw new IOException("status " + resp.statusCode() + ": " + new String(resp.body(), StandardCharsets.UTF_8));
                }
            };
        }
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/"
                + (json ? "json" : "octet-stream") + "\r\nContent-Length: " + body.length + "\r\n"
                + (json ? "" : "Inference-Header-Content-Length: " + header.length + "\r\n") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, request, h.length, body.length);
        byte[] buf = new byte[1 << 17];
        return () -> {
            out.write(request);
            out.flush();
            int status = readResponse(in, buf);
            if (status != 200) {
                throw new IOException("status " + status);
            }
        };
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked) into {@code buf}; its status. */
    static int readResponse(InputStream in, byte[] buf) throws IOException {
        String status = line(in);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            String lower = l.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(l.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long n = Long.parseLong(line(in).strip(), 16); n > 0; n = Long.parseLong(line(in).strip(), 16)) {
                skip(in, n, buf);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            skip(in, length, buf);
        }
        return code;
    }

    private static void skip(InputStream in, long n, byte[] buf) throws IOException {
        while (n > 0) {
            int k = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (k < 0) {
                throw new EOFException("response ended early");
            }
            n -= k;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private static void measure(int port, String path, boolean json, HttpClient client, int c, double seconds) throws Exception {
        AtomicBoolean recording = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicInteger errors = new AtomicInteger();
        List<long[]> lat = new ArrayList<>();
        int[] counts = new int[c];
        CountDownLatch ready = new CountDownLatch(c);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            long[] mine = new long[(int) Math.min(5_000_000, seconds * 50_000 + 1000)];
            lat.add(mine);
            int id = t;
            Call call = call(port, path, json, client, new Random(t + 1));
            Thread th = new Thread(() -> {
                ready.countDown();
                int k = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        call.run();
                    } catch (Exception e) {
                        if (errors.getAndIncrement() == 0) {
                            System.err.println("c=" + c + ": " + e);
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
        System.out.println("GO " + c);
        System.out.flush();
        long cpu0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        recording.set(true);
        Thread.sleep((long) (seconds * 1000));
        recording.set(false);
        long wall = System.nanoTime() - w0;
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.println("END " + c);
        System.out.flush();
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        long[] all = ServeBench.sortedLatencies(lat, counts);
        int n = all.length;
        System.out.printf(Locale.ROOT, "CELL %d %d %.6f %.4f %.4f %d %.6f%n", c, n, wall / 1e9, ServeBench.pct(all, 0.5),
                ServeBench.pct(all, 0.99), errors.get(), cpu / 1e9);
        System.out.flush();
    }

    static float[] image(Random r) {
        float[] x = new float[ConvBundle64.S * ConvBundle64.S];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    private static byte[] binaryHeader(int floats) {
        return ("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,64,64],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":" + floats * 4 + "}}],\"parameters\":{\"binary_data_output\":true}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] binaryBody(byte[] header, float[] x) {
        ByteBuffer b = ByteBuffer.allocate(header.length + x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header);
        for (float v : x) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] jsonBody(float[] x) {
        StringBuilder sb = new StringBuilder("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,64,64],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < x.length; i++) {
            sb.append(i > 0 ? "," : "").append(x[i]);
        }
        return sb.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
