package dev.vaeforge.serve;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.onnx.Versions;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final ServerSettings settings;
    private final Map<String, ServedModel> models;
    private final Map<String, Map<Operation, Batcher>> batchers = new LinkedHashMap<>();
    private final ServeMetrics metrics;
    private final ScheduledExecutorService timer;
    private final RequestGate gate;
    private final InferEndpoints endpoints;
    private final Javalin app;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean draining;
    private volatile boolean closed;

    private ModelServer(Map<String, VaeRuntime> runtimes, ServerSettings settings) {
        this.settings = settings;
        this.metrics = new ServeMetrics(settings.maxBatch());
        this.gate = new RequestGate(settings, metrics);
        java.util.concurrent.ScheduledThreadPoolExecutor timeouts = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "serve-timeouts");
            t.setDaemon(true);
            return t;
        });
        // a request answered in time cancels its timeout, which must then leave the queue: it holds the
        // request's inputs and outputs, which would otherwise stay on the heap for timeoutMs
        timeouts.setRemoveOnCancelPolicy(true);
        this.timer = timeouts;
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
        this.endpoints = new InferEndpoints(settings, models, batchers, gate, () -> draining);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            cfg.http.maxRequestSize = settings.maxBody();
            cfg.http.asyncTimeout = settings.timeoutMs() + 10_000;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.requestLogger.http(gate::logged);
            cfg.routes.before(gate::admit);
            cfg.routes.get("/v2", this::serverMetadata);
            cfg.routes.get("/v2/health/live", ctx -> Responses.json(ctx, 200, Map.of("live", true)));
            cfg.routes.get("/v2/health/ready", ctx -> Responses.json(ctx, draining ? 503 : 200, Map.of("ready", !draining)));
            cfg.routes.get("/v2/models/{name}", ctx -> endpoints.modelMetadata(ctx, null));
            cfg.routes.get("/v2/models/{name}/versions/{version}", ctx -> endpoints.modelMetadata(ctx, ctx.pathParam("version")));
            cfg.routes.get("/v2/models/{name}/ready", ctx -> endpoints.modelReady(ctx, null));
            cfg.routes.get("/v2/models/{name}/versions/{version}/ready", ctx -> endpoints.modelReady(ctx, ctx.pathParam("version")));
            cfg.routes.post("/v2/models/{name}/infer", ctx -> endpoints.infer(ctx, null));
            cfg.routes.post("/v2/models/{name}/versions/{version}/infer", ctx -> endpoints.infer(ctx, ctx.pathParam("version")));
            cfg.routes.post("/v1/models/{name}/reconstruct", endpoints::reconstructImage);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            cfg.routes.exception(HttpError.class, (e, ctx) -> Responses.error(ctx, e.status(), e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                Responses.error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                    Responses.error(ctx, 404, "no endpoint " + ctx.method() + " " + InferRequestChecks.clip(ctx.path()));
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
        while (gate.inFlight() > 0 && System.nanoTime() < deadline) {
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

    private void serverMetadata(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "vaeforge");
        m.put("version", Versions.vaeforge());
        m.put("extensions", List.of("binary_tensor_data"));
        Responses.json(ctx, 200, m);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
