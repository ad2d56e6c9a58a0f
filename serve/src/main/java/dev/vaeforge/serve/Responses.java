package dev.vaeforge.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.UncheckedIOException;
import java.util.Map;

/** JSON answers and {@code {"error": ...}} bodies, with {@code Retry-After} on 429 and 503. */
final class Responses {
    static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {
    }

    static void error(Context ctx, int status, String message) {
        if (status == 429 || status == 503) {
            ctx.header("Retry-After", "1");
        }
        json(ctx, status, Map.of("error", message));
    }

    static void json(Context ctx, int status, Object value) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
