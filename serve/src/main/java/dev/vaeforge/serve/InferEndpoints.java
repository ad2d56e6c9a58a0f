package dev.vaeforge.serve;

import dev.vaeforge.runtime.VaeforgeException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model endpoints: metadata and readiness per model and version, {@code /infer} (read, check, queue
 * in the model's {@link Batcher}, answer) and the image reconstruction of {@code /v1}.
 */
final class InferEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final ServerSettings settings;
    private final Map<String, ServedModel> models;
    private final Map<String, Map<Operation, Batcher>> batchers;
    private final RequestGate gate;
    private final BooleanSupplier draining;

    InferEndpoints(ServerSettings settings, Map<String, ServedModel> models, Map<String, Map<Operation, Batcher>> batchers,
                   RequestGate gate, BooleanSupplier draining) {
        this.settings = settings;
        this.models = models;
        this.batchers = batchers;
        this.gate = gate;
        this.draining = draining;
    }

    ServedModel model(Context ctx) {
        String name = ctx.pathParam("name");
        ServedModel m = models.get(name);
        if (m == null) {
            throw HttpError.badRequest("model: unknown model '" + InferRequestChecks.clip(name) + "'; served: "
                    + String.join(", ", models.keySet()));
        }
        ctx.attribute("model", name);
        return m;
    }

    static Operation operation(Context ctx, ServedModel m, String version) {
        if (version == null || version.isEmpty()) {
            return m.defaultOperation();
        }
        Operation op = Operation.parse(version).orElseThrow(() -> HttpError.badRequest("version: unknown version '"
                + InferRequestChecks.clip(version) + "'; model " + m.name() + " has " + versions(m)));
        if (!m.signatures().containsKey(op)) {
            throw HttpError.badRequest("version: model " + m.name() + " cannot " + op.key()
                    + " (its bundle has no encoder); it has " + versions(m));
        }
        return op;
    }

    private static String versions(ServedModel m) {
        return String.join(", ", m.signatures().keySet().stream().map(Operation::key).toList());
    }

    void modelMetadata(Context ctx, String version) {
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
        Responses.json(ctx, 200, out);
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

    void modelReady(Context ctx, String version) {
        ServedModel m = model(ctx);
        operation(ctx, m, version);
        Responses.json(ctx, draining.getAsBoolean() ? 503 : 200, Map.of("name", m.name(), "ready", !draining.getAsBoolean()));
    }

    void infer(Context ctx, String version) {
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

    void reconstructImage(Context ctx) {
        ServedModel m = model(ctx);
        ctx.attribute("operation", Operation.RECONSTRUCT.key());
        if (!m.signatures().containsKey(Operation.RECONSTRUCT)) {
            throw HttpError.badRequest("model " + m.name() + " cannot reconstruct (its bundle has no encoder)");
        }
        refuseWhenDraining();
        String resize = ctx.queryParam("resize");
        if (resize != null && !resize.equals("true") && !resize.equals("false")) {
            throw HttpError.badRequest("query resize: expected true or false, got '" + InferRequestChecks.clip(resize) + "'");
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
        if (draining.getAsBoolean()) {
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
            throw HttpError.badRequest(HEADER_LENGTH + ": expected a byte count, got '" + InferRequestChecks.clip(h) + "'");
        }
    }

    /** The body: its Content-Length bytes, or read up to maxBody (a chunked body has no Content-Length to refuse up front). */
    private byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            long length = ctx.req().getContentLengthLong(); // admitted: at most maxBody
            if (length >= 0 && length <= settings.maxBody()) {
                // one exact array instead of readNBytes' 8 KiB chunks and their final copy
                byte[] b = new byte[(int) length];
                int k = in.readNBytes(b, 0, b.length);
                return k == b.length ? b : java.util.Arrays.copyOf(b, k);
            }
            byte[] b = in.readNBytes((int) settings.maxBody() + 1);
            if (b.length > settings.maxBody()) {
                throw gate.tooLarge(-1);
            }
            return b;
        } catch (IOException e) {
            throw HttpError.badRequest("the body cannot be read: " + e.getMessage());
        }
    }

    private void failed(Context ctx, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpError h) {
            Responses.error(ctx, h.status(), h.getMessage());
        } else if (cause instanceof VaeforgeException v && v.code() == VaeforgeException.Code.BAD_INPUT) {
            Responses.error(ctx, 400, v.getMessage());
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), cause);
            Responses.error(ctx, 500, "internal error: " + cause.getClass().getSimpleName());
        }
    }
}
