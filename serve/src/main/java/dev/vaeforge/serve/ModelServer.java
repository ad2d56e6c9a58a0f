package dev.vaeforge.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.onnx.Versions;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server (Javalin on Jetty) for bundles under their names: the Open Inference Protocol v2 REST
 * API, with each {@link Operation} a model version; {@code POST /v1/models/NAME/reconstruct} for image
 * files; {@code /metrics} in the Prometheus text format. Requests for the same model and operation are
 * batched ({@link Batcher}). The server owns the runtimes it is given and closes them in {@link #close},
 * which stops accepting, runs what is queued and then stops (see docs/SERVING.md).
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.vaeforge.serve.access");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final ServerSettings settings;
    private final Map<String, ServedModel> models;
    private final Map<String, Map<Operation, Batcher>> batchers = new LinkedHashMap<>();
    private final ServeMetrics metrics;
    private final ScheduledExecutorService timer;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final byte[] token;
    private final Javalin app;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean draining;
    private volatile boolean closed;

    private ModelServer(Map<String, VaeRuntime> runtimes, ServerSettings settings) {
        this.settings = settings;
        this.metrics = new ServeMetrics(settings.maxBatch());
        this.token = settings.token() == null ? null : ("Bearer " + settings.token()).getBytes(StandardCharsets.US_ASCII);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "serve-timeouts");
            t.setDaemon(true);
            return t;
        });
        Map<String, ServedModel> m = new LinkedHashMap<>();
        for (Map.Entry<String, VaeRuntime> e : runtimes.entrySet()) {
            ServedModel model = new ServedModel(e.getKey(), e.getValue());
            m.put(e.getKey(), model);
            Map<Operation, Batcher> ops = new EnumMap<>(Operation.class);
            for (Operation op : model.signatures().keySet()) {
                ops.put(op, new Batcher(e.getKey(), op, (in, n) -> model.run(op, in, n), settings, metrics, timer));
            }
            batchers.put(e.getKey(), ops);
        }
        this.models = Collections.unmodifiableMap(m);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            cfg.http.maxRequestSize = settings.maxBody();
            cfg.http.asyncTimeout = settings.timeoutMs() + 10_000;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.requestLogger.http(this::logged);
            cfg.routes.before(this::admit);
            cfg.routes.get("/v2", this::serverMetadata);
            cfg.routes.get("/v2/health/live", ctx -> json(ctx, 200, Map.of("live", true)));
            cfg.routes.get("/v2/health/ready", ctx -> json(ctx, draining ? 503 : 200, Map.of("ready", !draining)));
            cfg.routes.get("/v2/models/{name}", ctx -> modelMetadata(ctx, null));
            cfg.routes.get("/v2/models/{name}/versions/{version}", ctx -> modelMetadata(ctx, ctx.pathParam("version")));
            cfg.routes.get("/v2/models/{name}/ready", ctx -> modelReady(ctx, null));
            cfg.routes.get("/v2/models/{name}/versions/{version}/ready", ctx -> modelReady(ctx, ctx.pathParam("version")));
            cfg.routes.post("/v2/models/{name}/infer", ctx -> infer(ctx, null));
            cfg.routes.post("/v2/models/{name}/versions/{version}/infer", ctx -> infer(ctx, ctx.pathParam("version")));
            cfg.routes.post("/v1/models/{name}/reconstruct", this::reconstructImage);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            cfg.routes.exception(HttpError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                    error(ctx, 404, "no endpoint " + ctx.method() + " " + InferRequestReader.clip(ctx.path()));
                }
            });
        });
    }

    /**
     * Serves {@code runtimes} (name -> opened bundle; the server closes them) with {@code settings}.
     *
     * @throws VaeforgeException BAD_INPUT (parameter "model") for a name that is not 1-64 of
     *                           {@code A-Za-z0-9_.-}, or no models; IO when the port cannot be bound
     */
    public static ModelServer start(Map<String, VaeRuntime> runtimes, ServerSettings settings) {
        if (runtimes.isEmpty()) {
            throw VaeforgeException.badParameter("model: give at least one bundle to serve", "model");
        }
        for (String name : runtimes.keySet()) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw VaeforgeException.badParameter("model name '" + name + "' must be 1-64 letters, digits, '_', '.'"
                        + " or '-', starting with a letter or digit", "model");
            }
        }
        ModelServer s = new ModelServer(new LinkedHashMap<>(runtimes), settings);
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.stopQuietly();
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot listen on " + settings.host() + ":"
                    + settings.port() + ": " + rootMessage(e), e);
        }
        LOG.info("serving {} on http://{}:{}/v2 (max batch {}, max delay {} ms)", s.models.keySet(), settings.host(),
                s.port(), settings.maxBatch(), settings.maxDelayMs());
        return s;
    }

    /** The port it listens on (the one picked when the settings said 0). */
    public int port() {
        return app.port();
    }

    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }

    /** The versions (operations) model {@code name} offers: "encode", "decode", "reconstruct", "sample". */
    public List<String> versions(String name) {
        return models.get(name).signatures().keySet().stream().map(Operation::key).toList();
    }

    /** Items waiting now over all models and operations. */
    public int queued() {
        int n = 0;
        for (Map<Operation, Batcher> ops : batchers.values()) {
            for (Batcher b : ops.values()) {
                n += b.depth();
            }
        }
        return n;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Graceful shutdown: readiness turns 503 and new inference requests get 503, the listening socket
     * closes, every queued request runs and is answered (up to {@code drainMs}), then the HTTP server
     * stops and the runtimes are closed. Safe to call more than once and from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.drainMs());
        draining = true;
        LOG.info("shutting down: {} items queued", queued());
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof AbstractNetworkConnector n) {
                n.shutdown(); // stop accepting; open connections finish their exchanges
            }
        }
        boolean drained = true;
        for (Map<Operation, Batcher> ops : batchers.values()) {
            for (Batcher b : ops.values()) {
                drained &= b.drain(Math.max(0, deadline - System.nanoTime()));
            }
        }
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!drained) {
            LOG.warn("drainMs {} ran out with requests still queued; they are answered 503", settings.drainMs());
            batchers.values().forEach(ops -> ops.values().forEach(Batcher::abandon));
        }
        stopQuietly();
        if (drained) {
            for (ServedModel m : models.values()) {
                m.runtime().close();
            }
        } else {
            LOG.warn("sessions left open: a batch is still running");
        }
        closed = true;
        stopped.countDown();
        LOG.info("stopped");
    }

    /** Blocks until {@link #close} has finished (from another thread or a shutdown hook). */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
    }

    private void stopQuietly() {
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        timer.shutdownNow();
    }

    // ---- handlers

    /** Counts the request, refuses it without the token (health checks excepted) or with a body over maxBody. */
    private void admit(Context ctx) {
        inFlight.incrementAndGet();
        ctx.attribute("start", System.nanoTime());
        String path = ctx.path();
        if (token != null && !path.startsWith("/v2/health/")) {
            String auth = ctx.header("Authorization");
            if (auth == null || !MessageDigest.isEqual(token, auth.getBytes(StandardCharsets.US_ASCII))) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"vaeforge\"");
                throw new HttpError(401, auth == null ? "missing Authorization: Bearer token" : "wrong bearer token");
            }
        }
        if (ctx.method() == HandlerType.POST) {
            long length = ctx.req().getContentLengthLong();
            if (length > settings.maxBody()) {
                throw tooLarge(length);
            }
        }
    }

    private HttpError tooLarge(long length) {
        return new HttpError(413, "the body" + (length >= 0 ? " of " + length + " bytes" : "") + " is larger than maxBody "
                + settings.maxBody() + " bytes");
    }

    private void serverMetadata(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "vaeforge");
        m.put("version", Versions.vaeforge());
        m.put("extensions", List.of("binary_tensor_data"));
        json(ctx, 200, m);
    }

    private ServedModel model(Context ctx) {
        String name = ctx.pathParam("name");
        ServedModel m = models.get(name);
        if (m == null) {
            throw HttpError.badRequest("model: unknown model '" + InferRequestReader.clip(name) + "'; served: "
                    + String.join(", ", models.keySet()));
        }
        ctx.attribute("model", name);
        return m;
    }

    private static Operation operation(Context ctx, ServedModel m, String version) {
        if (version == null || version.isEmpty()) {
            return m.defaultOperation();
        }
        Operation op = Operation.parse(version).orElseThrow(() -> HttpError.badRequest("version: unknown version '"
                + InferRequestReader.clip(version) + "'; model " + m.name() + " has " + versions(m)));
        if (!m.signatures().containsKey(op)) {
            throw HttpError.badRequest("version: model " + m.name() + " cannot " + op.key()
                    + " (its bundle has no encoder); it has " + versions(m));
        }
        return op;
    }

    private static String versions(ServedModel m) {
        return String.join(", ", m.signatures().keySet().stream().map(Operation::key).toList());
    }

    private void modelMetadata(Context ctx, String version) {
        ServedModel m = model(ctx);
        Operation op = operation(ctx, m, version);
        ServedModel.Signature sig = m.signatures().get(op);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        out.put("versions", m.signatures().keySet().stream().map(Operation::key).toList());
        out.put("platform", "vaeforge_onnxruntime");
        out.put("inputs", tensors(sig.inputs()));
        out.put("outputs", tensors(sig.outputs()));
        Map<String, Object> parameters = new LinkedHashMap<>(m.parameters());
        parameters.put("version", op.key());
        out.put("parameters", parameters);
        json(ctx, 200, out);
    }

    private static List<Map<String, Object>> tensors(List<TensorMeta> ts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TensorMeta t : ts) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", t.name());
            e.put("datatype", t.datatype());
            e.put("shape", t.shape());
            out.add(e);
        }
        return out;
    }

    private void modelReady(Context ctx, String version) {
        ServedModel m = model(ctx);
        operation(ctx, m, version);
        json(ctx, draining ? 503 : 200, Map.of("name", m.name(), "ready", !draining));
    }

    private void infer(Context ctx, String version) {
        ServedModel m = model(ctx);
        Operation op = operation(ctx, m, version);
        ctx.attribute("operation", op.key());
        refuseWhenDraining();
        byte[] body = body(ctx);
        int headerLength = headerLength(ctx);
        InferRequest request = new InferRequestReader(m.signatures().get(op)).read(body, headerLength);
        ctx.attribute("items", request.n());
        CompletableFuture<Map<String, Values>> result = batcher(m, op).submit(request.inputs(), request.n(), timeoutNanos());
        answer(ctx, result, out -> {
            InferResponseWriter.Body b = InferResponseWriter.write(m.name(), op, request, out);
            if (b.binary()) {
                ctx.header(HEADER_LENGTH, Integer.toString(b.headerLength()));
                ctx.contentType("application/octet-stream");
            } else {
                ctx.contentType("application/json");
            }
            ctx.status(200).result(b.bytes());
        });
    }

    /** Writes the outputs (or the failure) now when the batch ran on this thread, else when it completes. */
    private void answer(Context ctx, CompletableFuture<Map<String, Values>> result,
                        java.util.function.Consumer<Map<String, Values>> ok) {
        java.util.function.BiFunction<Map<String, Values>, Throwable, Void> write = (out, e) -> {
            if (e != null) {
                failed(ctx, e);
            } else {
                ok.accept(out);
            }
            return null;
        };
        if (result.isDone()) {
            result.handle(write);
        } else {
            ctx.future(() -> result.handle(write));
        }
    }

    private void reconstructImage(Context ctx) {
        ServedModel m = model(ctx);
        ctx.attribute("operation", Operation.RECONSTRUCT.key());
        if (!m.signatures().containsKey(Operation.RECONSTRUCT)) {
            throw HttpError.badRequest("model " + m.name() + " cannot reconstruct (its bundle has no encoder)");
        }
        refuseWhenDraining();
        String resize = ctx.queryParam("resize");
        if (resize != null && !resize.equals("true") && !resize.equals("false")) {
            throw HttpError.badRequest("query resize: expected true or false, got '" + InferRequestReader.clip(resize) + "'");
        }
        byte[] body = body(ctx);
        if (body.length == 0) {
            throw HttpError.badRequest("body: empty; send the bytes of a PNG or JPEG image");
        }
        Map<String, Values> in = ImageReconstruction.inputs(m, body, "true".equals(resize), ctx.queryParam("label"),
                ctx.queryParam("condition"));
        ctx.attribute("items", 1);
        CompletableFuture<Map<String, Values>> result = batcher(m, Operation.RECONSTRUCT).submit(in, 1, timeoutNanos());
        answer(ctx, result, out -> ctx.status(200).contentType("image/png")
                .result(ImageReconstruction.png(out.get(ServedModel.RECONSTRUCTION), m.imageShape())));
    }

    private void refuseWhenDraining() {
        if (draining) {
            throw new HttpError(503, "the server is shutting down");
        }
    }

    private Batcher batcher(ServedModel m, Operation op) {
        return batchers.get(m.name()).get(op);
    }

    private long timeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
    }

    private static int headerLength(Context ctx) {
        String h = ctx.header(HEADER_LENGTH);
        if (h == null) {
            return -1;
        }
        try {
            int n = Integer.parseInt(h.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(HEADER_LENGTH + ": expected a byte count, got '" + InferRequestReader.clip(h) + "'");
        }
    }

    /** The body, read up to maxBody (a chunked body has no Content-Length to refuse up front). */
    private byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes((int) settings.maxBody() + 1);
            if (b.length > settings.maxBody()) {
                throw tooLarge(-1);
            }
            return b;
        } catch (IOException e) {
            throw HttpError.badRequest("the body cannot be read: " + e.getMessage());
        }
    }

    private void failed(Context ctx, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpError h) {
            error(ctx, h.status(), h.getMessage());
        } else if (cause instanceof VaeforgeException v && v.code() == VaeforgeException.Code.BAD_INPUT) {
            error(ctx, 400, v.getMessage());
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), cause);
            error(ctx, 500, "internal error: " + cause.getClass().getSimpleName());
        }
    }

    private static void error(Context ctx, int status, String message) {
        if (status == 429 || status == 503) {
            ctx.header("Retry-After", "1");
        }
        json(ctx, status, Map.of("error", message));
    }

    private static void json(Context ctx, int status, Object value) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The access log line (JSON) and the request meters, once the response is done. */
    private void logged(Context ctx, Float ms) {
        inFlight.decrementAndGet();
        String model = ctx.attribute("model");
        String op = ctx.attribute("operation");
        Long start = ctx.attribute("start");
        long nanos = start == null ? (long) (ms * 1e6) : System.nanoTime() - start;
        int status = ctx.statusCode();
        if (op != null) {
            metrics.request(model == null ? ServeMetrics.UNKNOWN : model, op, status, nanos);
        } else if (ctx.path().contains("/infer") || ctx.path().endsWith("/reconstruct")) {
            metrics.request(model == null ? ServeMetrics.UNKNOWN : model, ServeMetrics.UNKNOWN, status, nanos);
        }
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("remote", ctx.ip());
        line.put("method", ctx.method().name());
        line.put("path", InferRequestReader.clip(ctx.path()));
        line.put("status", status);
        line.put("ms", Math.round(nanos / 1e4) / 100.0);
        line.put("model", model);
        line.put("operation", op);
        line.put("items", ctx.attribute("items"));
        line.put("bytes_in", Math.max(0, ctx.req().getContentLengthLong()));
        try {
            ACCESS.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.warn("access log: {}", e.toString());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
