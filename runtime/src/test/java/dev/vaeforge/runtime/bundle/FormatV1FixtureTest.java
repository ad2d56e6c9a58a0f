package dev.vaeforge.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.FloatArrays;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bundle written by the exporter at format version 1 (a VAE trained for 3 epochs on 16x16 shapes)
 * must keep opening and giving the same numbers in every later runtime. Regenerate
 * {@code expected-reconstruction.txt} only on purpose: {@code -Dvaeforge.regenerate=true}.
 */
class FormatV1FixtureTest {
    @Test
    void exportedV1BundleOpensWithoutDjlAndReproducesItsRecordedOutputs() throws Exception {
        Path dir = resource("bundles/v1-vae-shapes16");
        Path expectedFile = dir.getParent().resolve("v1-vae-shapes16.expected-reconstruction.txt");
        float[] x = Shapes.generate(new ShapesSpec(4, 16, false, 123)).pixels();
        try (VaeRuntime rt = VaeRuntime.open(dir, Device.CPU)) {
            assertEquals(1, rt.manifest().formatVersion());
            assertEquals("vae", rt.manifest().family());
            assertEquals(3, rt.latentDim());
            assertTrue(rt.manifest().parity().maxAbsError().values().stream().allMatch(v -> v <= 1e-4));
            float[] r = rt.reconstruct(x, 4);
            FloatArrays.assertInRange(r, 0f, 1f, "reconstruction");
            if (Boolean.getBoolean("vaeforge.regenerate")) {
                Path src = Path.of("src/test/resources/bundles/v1-vae-shapes16.expected-reconstruction.txt");
                Files.writeString(src, String.join("\n", toStrings(r)) + "\n");
            }
            float[] expected = parse(Files.readAllLines(expectedFile));
            FloatArrays.assertClose(expected, r, 1e-5f, "reconstruction of the v1 fixture bundle");
        }
    }

    private static List<String> toStrings(float[] a) {
        String[] s = new String[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = Float.toString(a[i]);
        }
        return Arrays.asList(s);
    }

    private static float[] parse(List<String> lines) {
        float[] a = new float[lines.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.parseFloat(lines.get(i).strip());
        }
        return a;
    }

    private static Path resource(String name) throws URISyntaxException, IOException {
        var url = FormatV1FixtureTest.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("test resource " + name + " is missing");
        }
        return Path.of(url.toURI());
    }
}
