package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesABundleUnderItsNameWithTheTokenUntilStopped() throws Exception {
        Path bundle = TestBundles.vae(dir.resolve("faces"));
        Path token = Files.writeString(dir.resolve("token"), "abc123\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "serve",
                bundle.toString(), bundle + "=second", "--port", "0", "--max-batch", "8", "--token-file", token.toString())));
        t.start();
        Matcher m = Pattern.compile("serving on http://127.0.0.1:(\\d+)/v2").matcher("");
        long end = System.nanoTime() + 60_000_000_000L;
        while (!m.reset(out.toString()).find() && t.isAlive() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(m.reset(out.toString()).find(), () -> out + "\n" + err);
        assertTrue(out.toString().contains("model faces: "), out::toString);
        assertTrue(out.toString().contains("(encode, decode, reconstruct, sample)"), out::toString);
        int port = Integer.parseInt(m.group(1));
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> live = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, live.statusCode());
        HttpResponse<String> meta = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/second"))
                .header("Authorization", "Bearer abc123").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, meta.statusCode(), meta::body);
        assertTrue(meta.body().contains("\"shape\":[-1,1,16,16]"), meta::body);
        HttpResponse<String> no = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/faces")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, no.statusCode());
        t.interrupt();
        t.join(30_000);
        assertEquals(0, code.get(), () -> out + "\n" + err);
    }

    @Test
    void badSettingsAreUsageErrorsNamingTheFlag() {
        Path bundle = dir.resolve("missing");
        CliRun batch = CliRun.of("serve", bundle.toString(), "--max-batch", "0");
        assertEquals(2, batch.exitCode(), batch::toString);
        assertTrue(batch.err().contains("--max-batch must be in 1..65536, got 0"), batch::toString);
        CliRun body = CliRun.of("serve", bundle.toString(), "--max-body", "lots");
        assertEquals(2, body.exitCode(), body::toString);
        assertTrue(body.err().contains("--max-body: 'lots' is not a size"), body::toString);
        CliRun twice = CliRun.of("serve", bundle + "=a", dir.resolve("other") + "=a");
        assertEquals(2, twice.exitCode(), twice::toString);
        assertTrue(twice.err().contains("the name 'a' is given twice"), twice::toString);
        CliRun name = CliRun.of("serve", bundle + "=no/slash");
        assertEquals(2, name.exitCode(), name::toString);
        assertTrue(name.err().contains("the model name 'no/slash' must be"), name::toString);
        CliRun token = CliRun.of("serve", bundle.toString(), "--token-file", dir.resolve("nope").toString());
        assertEquals(2, token.exitCode(), token::toString);
        assertTrue(token.err().contains("--token-file"), token::toString);
    }
}
