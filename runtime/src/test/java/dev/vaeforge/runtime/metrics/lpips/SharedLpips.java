package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pretrained LPIPS test data in {@code ../shared/lpips} (real v0.1 weights, the example triplet,
 * torchmetrics' example inputs and the values they must give). It is read in place, never copied
 * into the project (its licence differs from ours); where the folder is absent, as on a user's
 * machine, the tests that need it are skipped with a message naming it.
 */
public final class SharedLpips {
    public static final String ALEX = "lpips_alex_v0.1.onnx";
    public static final String SQUEEZE = "lpips_squeeze_v0.1.onnx";

    private SharedLpips() {
    }

    /** {@code ../shared/lpips} from the repository root (surefire's {@code vaeforge.shared}), or skips the test. */
    public static Path dir() {
        String shared = System.getProperty("vaeforge.shared");
        Path dir = shared == null ? Path.of("..", "shared", "lpips") : Path.of(shared, "lpips");
        assumeTrue(Files.isRegularFile(dir.resolve(ALEX)) && Files.isRegularFile(dir.resolve(SQUEEZE)),
                "skipped: the pretrained LPIPS test data is not in " + dir.toAbsolutePath().normalize()
                        + " (../shared/lpips beside the repository)");
        return dir;
    }

    /** {@code images/NAME} decoded by the product's decoder: CHW floats in [0,1]. */
    public static FloatImage image(String name) throws IOException {
        return ImageDecoder.read(dir().resolve("images").resolve(name)).image();
    }

    public static JsonNode json(String name) throws IOException {
        return Json.mapper().readTree(dir().resolve(name).toFile());
    }

    /** A raw little-endian float32 file. */
    public static float[] floats(String name) throws IOException {
        byte[] b = Files.readAllBytes(dir().resolve(name));
        float[] out = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
