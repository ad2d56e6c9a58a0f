package dev.vaeforge.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request passes through before and after its handler: admission (the bearer token, the
 * body's declared size, the in-flight count the shutdown waits for) and, once answered, the request
 * meters and the JSON access log line on {@code dev.vaeforge.serve.access}.
 */
final class RequestGate {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.vaeforge.serve.access");

    private final ServerSettings settings;
    private final ServeMetrics metrics;
    private final byte[] token;
    private final AtomicInteger inFlight = new AtomicInteger();

    RequestGate(ServerSettings settings, ServeMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.token = settings.token() == null ? null : ("Bearer " + settings.token()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Requests admitted and not yet answered. */
    int inFlight() {
        return inFlight.get();
    }

    /** Counts the request, refuses it without the token (health checks excepted) or with a body over maxBody. */
    void admit(Context ctx) {
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

    HttpError tooLarge(long length) {
        return new HttpError(413, "the body" + (length >= 0 ? " of " + length + " bytes" : "") + " is larger than maxBody "
                + settings.maxBody() + " bytes");
    }

    /** The access log line (JSON) and the request meters, once the response is done. */
    void logged(Context ctx, Float ms) {
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
        line.put("path", InferRequestChecks.clip(ctx.path()));
        line.put("status", status);
        line.put("ms", Math.round(nanos / 1e4) / 100.0);
        line.put("model", model);
        line.put("operation", op);
        line.put("items", ctx.attribute("items"));
        line.put("bytes_in", Math.max(0, ctx.req().getContentLengthLong()));
        try {
            ACCESS.info(Responses.JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.warn("access log: {}", e.toString());
        }
    }
}
