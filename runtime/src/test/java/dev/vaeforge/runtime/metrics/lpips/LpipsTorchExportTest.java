package dev.vaeforge.runtime.metrics.lpips;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.session.Device;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A genuine torch.onnx.export of an LPIPS-shaped network (fixture and script in
 * src/test/resources/lpips/) passes the signature check and reproduces PyTorch's numbers, so the
 * check cannot drift into refusing real exports. Expected values were printed by the script.
 */
class LpipsTorchExportTest {

    @Test
    void aRealTorchExportIsAcceptedAndMatchesPyTorch() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/lpips/torch-tiny-lpips.onnx").toURI());
        try (LpipsModel m = LpipsModel.open(file, Device.CPU)) {
            assertMatches(m, new ImageShape(3, 32, 32), 0.284181833, 0.286768019, 0.283790886);
            assertMatches(m, new ImageShape(3, 40, 48), 0.242529899, 0.245070606);
        }
    }

    private static void assertMatches(LpipsModel m, ImageShape shape, double... torch) {
        int n = torch.length;
        double[] got = m.distance(images(n, shape, 1), images(n, shape, 2), n, shape);
        for (int i = 0; i < n; i++) {
            assertEquals(torch[i], got[i], 1e-5 * torch[i], shape + " pair " + i);
        }
    }

    /** The script's {@code images(n, h, w, offset)}: exact in float32 on both sides. */
    private static float[] images(int n, ImageShape shape, int offset) {
        float[] x = new float[n * shape.size()];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (((k * 7919L + offset * 104729L) % 1000) / 999.0);
        }
        return x;
    }
}
