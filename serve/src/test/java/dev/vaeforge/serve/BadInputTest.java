package dev.vaeforge.serve;

import static dev.vaeforge.serve.ServeTestKit.floats;
import static dev.vaeforge.serve.ServeTestKit.inferBody;
import static dev.vaeforge.serve.ServeTestKit.json;
import static dev.vaeforge.serve.ServeTestKit.post;
import static dev.vaeforge.serve.ServeTestKit.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad request is a 400 (or 413) naming the field, and the server answers good requests correctly after them. */
class BadInputTest {
    @TempDir
    static Path dir;
    static ModelServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = ServeTestKit.start(ServeTestKit.bundles(dir), ServerSettings.defaults(0).withLimits(1024, 30_000, 4096));
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String image(String shape, String datatype, String data) {
        return "{\"inputs\":[{\"name\":\"image\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":" + data + "}]}";
    }

    static final String SIXTEEN = "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("/v2/models/nope/infer", image("[1,1,4,4]", "FP32", SIXTEEN), "model: unknown model 'nope'; served: vae, cvae, vq"),
                Arguments.of("/v2/models/vae/versions/train/infer", image("[1,1,4,4]", "FP32", SIXTEEN), "version: unknown version 'train'"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,5]", "FP32", SIXTEEN), "input 'image'.shape: got [1, 1, 4, 5], expected [N, 1, 4, 4]"),
                Arguments.of("/v2/models/vae/infer", image("[0,1,4,4]", "FP32", "[]"), "input 'image'.shape: got [0, 1, 4, 4]"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP64", SIXTEEN), "input 'image'.datatype: got FP64, expected FP32"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP32", "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,NaN]"), "input 'image'.data[15]: NaN is not finite"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP32", "[0,Infinity,0,0,0,0,0,0,0,0,0,0,0,0,0,0]"), "input 'image'.data[1]: Infinity is not finite"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP32", "[0,1e39,0,0,0,0,0,0,0,0,0,0,0,0,0,0]"), "input 'image'.data[1]: Infinity is not finite"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP32", "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2]"), "input 'image'.data[15]: 2.0 is outside [0, 1]"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP32", "[0,0,0]"), "input 'image'.data: 3 values, but shape [1, 1, 4, 4] needs 16"),
                Arguments.of("/v2/models/vae/infer", image("[1,1,4,4]", "FP32", "[0,0,\"a\"]"), "input 'image'.data[2]: a is not a number"),
                Arguments.of("/v2/models/vae/infer", "{\"inputs\":[]}", "inputs: missing input 'image' (FP32 [N, 1, 4, 4])"),
                Arguments.of("/v2/models/vae/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[0]}]}", "inputs[0].name: unknown input 'x'; reconstruct takes image FP32 [N, 1, 4, 4]"),
                Arguments.of("/v2/models/vae/infer", "{\"inputs\":[", "the request body is not valid JSON"),
                Arguments.of("/v2/models/vae/infer", "{\"input\":[]}", "unknown field 'input' in the request"),
                Arguments.of("/v2/models/vae/infer", "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,4,4],\"datatype\":\"FP32\",\"data\":" + SIXTEEN + "}],\"outputs\":[{\"name\":\"mean\"}]}", "outputs[0].name: unknown output 'mean'; reconstruct gives reconstruction FP32 [N, 1, 4, 4]"),
                Arguments.of("/v2/models/vae/versions/decode/infer", "{\"inputs\":[{\"name\":\"latent\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[0,NaN]}]}", "input 'latent'.data[1]: NaN is not finite"),
                Arguments.of("/v2/models/vae/versions/sample/infer", "{\"inputs\":[{\"name\":\"seed\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[1,2.5]}]}", "input 'seed'.data[1]: 2.5 is not an integer"),
                Arguments.of("/v2/models/vae/versions/sample/infer", "{\"inputs\":[{\"name\":\"seed\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[99999999999999999999]}]}", "does not fit in INT64"),
                Arguments.of("/v2/models/cvae/infer", image("[1,1,4,4]", "FP32", SIXTEEN), "inputs: missing input 'condition' (FP32 [N, 3])"),
                Arguments.of("/v2/models/cvae/infer", "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,4,4],\"datatype\":\"FP32\",\"data\":" + SIXTEEN + "},{\"name\":\"condition\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,0,0,0,1,0]}]}", "input 'condition'.shape: batch 2 differs from input 'image''s batch 1"),
                Arguments.of("/v2/models/vq/versions/decode/infer", "{\"inputs\":[{\"name\":\"codes\",\"shape\":[1,2,2],\"datatype\":\"INT64\",\"data\":[0,1,2,0]}]}", "input 'codes'.data[2]: code 2 is outside 0..1"),
                Arguments.of("/v2/models/vq/versions/decode/infer", "{\"inputs\":[{\"name\":\"codes\",\"shape\":[1,2,2],\"datatype\":\"FP32\",\"data\":[0,1,1,0]}]}", "input 'codes'.datatype: got FP32, expected INT64"),
                Arguments.of("/v1/models/vae/reconstruct", "this is not an image", "request body"),
                Arguments.of("/v1/models/cvae/reconstruct?label=circle", "", "body: empty"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void isA400NamingTheField(String path, String body, String message) {
        HttpResponse<byte[]> r = post(port, path, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode(), () -> text(r));
        String error = json(r).get("error").asText();
        assertTrue(error.contains(message), () -> "expected '" + message + "' in: " + error);
    }

    @Test
    void imagesThatCannotBeUsedAre400s() throws Exception {
        byte[] png = dev.vaeforge.runtime.image.PngWriter.encode(new dev.vaeforge.runtime.image.FloatImage(1, 8, 8, new float[64]));
        HttpResponse<byte[]> size = post(port, "/v1/models/vae/reconstruct", png);
        assertEquals(400, size.statusCode());
        assertTrue(json(size).get("error").asText().contains("resize=true"), text(size));
        assertEquals(200, post(port, "/v1/models/vae/reconstruct?resize=true", png).statusCode());
        byte[] small = dev.vaeforge.runtime.image.PngWriter.encode(new dev.vaeforge.runtime.image.FloatImage(1, 4, 4, new float[16]));
        HttpResponse<byte[]> label = post(port, "/v1/models/cvae/reconstruct?label=circle", small);
        assertEquals(400, label.statusCode());
        assertTrue(json(label).get("error").asText().contains("label circle: not a class"), text(label));
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
        assertEquals(400, post(port, "/v1/models/vae/reconstruct?resize=true", truncated).statusCode());
    }

    @Test
    void bodiesOverMaxBodyAre413() {
        byte[] big = new byte[5000];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<byte[]> r = post(port, "/v2/models/vae/infer", big);
        assertEquals(413, r.statusCode(), () -> text(r));
        assertTrue(json(r).get("error").asText().contains("maxBody 4096"), text(r));
    }

    @Test
    void goodRequestsStillGetTheirOwnResultsAfterBadOnes() {
        for (Arguments a : badRequests().toList()) {
            post(port, (String) a.get()[0], ((String) a.get()[1]).getBytes(StandardCharsets.UTF_8));
        }
        float[] x = ServeTestKit.images(new Random(9), 2, 16);
        try (VaeRuntime rt = VaeRuntime.open(dir.resolve("vae"), Device.CPU)) {
            HttpResponse<byte[]> r = post(port, "/v2/models/vae/infer", inferBody("image", new long[] {2, 1, 4, 4}, x));
            assertEquals(200, r.statusCode(), () -> text(r));
            assertArrayEquals(rt.reconstruct(x, 2), floats(json(r), "reconstruction"));
        }
        assertTrue(server.queued() == 0);
    }
}
