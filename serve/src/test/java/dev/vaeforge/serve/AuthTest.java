package dev.vaeforge.serve;

import static dev.vaeforge.serve.ServeTestKit.get;
import static dev.vaeforge.serve.ServeTestKit.inferBody;
import static dev.vaeforge.serve.ServeTestKit.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a token, everything but the health checks needs "Authorization: Bearer TOKEN". */
class AuthTest {
    @TempDir
    Path dir;

    @Test
    void everythingButHealthNeedsTheToken() {
        Map<String, Path> b = Map.of("vae", ServeTestKit.bundles(dir).get("vae"));
        try (ModelServer s = ServeTestKit.start(b, ServerSettings.defaults(0).withToken("s3cret-token"))) {
            int p = s.port();
            assertEquals(200, get(p, "/v2/health/live").statusCode());
            assertEquals(200, get(p, "/v2/health/ready").statusCode());
            byte[] body = inferBody("seed", new long[] {1}, new long[] {1});
            var none = post(p, "/v2/models/vae/versions/sample/infer", body);
            assertEquals(401, none.statusCode());
            assertEquals("Bearer realm=\"vaeforge\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals(401, post(p, "/v2/models/vae/versions/sample/infer", body, "Authorization", "Bearer wrong").statusCode());
            assertEquals(401, get(p, "/metrics").statusCode());
            assertEquals(401, get(p, "/v2/models/vae").statusCode());
            assertEquals(401, post(p, "/v1/models/vae/reconstruct", new byte[] {1}).statusCode());
            assertEquals(200, post(p, "/v2/models/vae/versions/sample/infer", body, "Authorization", "Bearer s3cret-token").statusCode());
            assertEquals(200, get(p, "/metrics", "Authorization", "Bearer s3cret-token").statusCode());
        }
    }
}
