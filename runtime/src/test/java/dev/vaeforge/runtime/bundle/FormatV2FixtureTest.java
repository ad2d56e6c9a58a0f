package dev.vaeforge.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format-2 bundle written by {@link V2Fixtures#writeMoments} (one latent-moments output, logits out,
 * pixel range [-1, 1]) keeps opening and giving the numbers its fixed weights give in closed form.
 * Regenerate the committed copy only on purpose: {@code -Dvaeforge.regenerate=true}.
 */
class FormatV2FixtureTest {
    private static final String FIXTURE = "bundles/v2-moments-logits";
    /** One image in [0, 1]; the graph sees x' = 2x - 1 = (1, 0, -0.5, -1). */
    private static final float[] X = {1f, 0.5f, 0.25f, 0f};

    @TempDir
    Path tmp;

    @Test
    void committedV2BundleReproducesItsClosedForm() throws Exception {
        if (Boolean.getBoolean("vaeforge.regenerate")) {
            Path src = Path.of("src/test/resources/" + FIXTURE);
            if (Files.exists(src)) {
                dev.vaeforge.runtime.io.AtomicFiles.deleteTree(src);
            }
            V2Fixtures.writeMoments(src, TensorRole.VALUES_LOGITS);
        }
        try (VaeRuntime rt = VaeRuntime.open(resource(FIXTURE), Device.CPU)) {
            assertEquals(2, rt.manifest().formatVersion());
            assertNull(rt.manifest().family(), "a v2 bundle needs no family");
            assertTrue(rt.hasGaussianLatent());
            assertFalse(rt.hasCodes());
            assertFalse(rt.hasDiscriminator());
            assertEquals(2, rt.latentDim());

            Posterior q = rt.encode(X, 1);
            // mean = (x'0, x'1), logvar = (x'2 / 2, -x'3 / 2): the image was mapped to [-1, 1] first
            assertArrayEquals(new float[] {1f, 0f}, q.mu(), 1e-6f);
            assertArrayEquals(new float[] {-0.25f, 0.5f}, q.logvar(), 1e-6f);

            // logits V mu = (1, 0, 1, 1); the runtime applies the sigmoid
            float[] r = rt.reconstruct(X, 1);
            assertArrayEquals(new float[] {sigmoid(1), 0.5f, sigmoid(1), sigmoid(1)}, r, 1e-6f);
            assertArrayEquals(new float[] {sigmoid(0.5), sigmoid(-2), sigmoid(-1.5), sigmoid(2.5)},
                    rt.decode(new float[] {0.5f, -2f}, 1), 1e-6f);

            double kl = rt.prior().kl(q)[0];
            double expected = 0.5 * (1 + Math.exp(-0.25) + 0.25 - 1) + 0.5 * (0 + Math.exp(0.5) - 0.5 - 1);
            assertEquals(expected, kl, 1e-6);
            assertEquals("z ~ N(0, I)", rt.prior().description());
        }
    }

    @Test
    void pixelOutputsInTheBundlesRangeAreMappedBackToTheUnitInterval() {
        Path b = tmp.resolve("pixels");
        V2Fixtures.writeMoments(b, TensorRole.VALUES_PIXELS);
        try (VaeRuntime rt = VaeRuntime.open(b, Device.CPU)) {
            // V z for z = (0.5, -0.25): (0.5, -0.25, 0.25, 0.75) in [-1, 1] -> (v + 1) / 2
            assertArrayEquals(new float[] {0.75f, 0.375f, 0.625f, 0.875f}, rt.decode(new float[] {0.5f, -0.25f}, 1), 1e-6f);
            // V z for z = (2, -2): (2, -2, 0, 4) lies partly outside [-1, 1]: clipped to [0, 1]
            assertArrayEquals(new float[] {1f, 0f, 0.5f, 1f}, rt.decode(new float[] {2f, -2f}, 1), 1e-6f);
        }
    }

    @Test
    void codeGridBundleQuantisesSamplesAndDecodesByRole() {
        Path b = tmp.resolve("codes");
        V2Fixtures.writeCodes(b, null);
        try (VaeRuntime rt = VaeRuntime.open(b, Device.CPU)) {
            assertTrue(rt.hasCodes());
            assertFalse(rt.hasGaussianLatent());
            assertEquals(1, rt.latentDim());
            assertArrayEquals(new float[] {0f, 1f}, rt.codebook());
            float[] x = {0.9f, 0.1f, 0.6f, 0.4f, 0f, 1f, 1f, 0f};
            VaeRuntime.Codes c = rt.quantize(rt.encodeGrid(x, 2), 2);
            assertArrayEquals(new long[] {1, 0, 1, 0, 0, 1, 1, 0}, c.indices());
            assertArrayEquals(new float[] {1, 0, 1, 0, 0, 1, 1, 0}, rt.reconstruct(x, 2), 0f);
            assertArrayEquals(new float[] {0, 1, 1, 0}, rt.decodeCodes(new long[] {0, 1, 1, 0}, 1), 0f);
            assertEquals(VaeRuntime.CodeSampling.UNIFORM, rt.defaultCodeSampling());
            assertArrayEquals(rt.sample(3, 9), rt.sample(3, 9, VaeRuntime.CodeSampling.UNIFORM), 0f);

            VaeforgeException e = assertThrows(VaeforgeException.class, () -> rt.encode(x, 2));
            assertTrue(e.getMessage().startsWith("encode needs a Gaussian latent"), e.getMessage());
            e = assertThrows(VaeforgeException.class, () -> rt.sampleCodes(1, 1, VaeRuntime.CodeSampling.EMPIRICAL));
            assertEquals("prior empirical: this bundle has no fitted code distribution (its manifest says codes-uniform"
                    + " over 2 codes); use uniform", e.getMessage());
            assertEquals(List.of("prior"), e.parameters());
        }
    }

    @Test
    void empiricalCodePriorFollowsItsCounts() {
        Path b = tmp.resolve("empirical");
        // position 0 always code 1, position 3 always code 0, the others even
        V2Fixtures.writeCodes(b, new CodePrior(2, 2, 2, 4, List.of(new long[] {0, 4}, new long[] {2, 2},
                new long[] {2, 2}, new long[] {4, 0})));
        try (VaeRuntime rt = VaeRuntime.open(b, Device.CPU)) {
            assertEquals(VaeRuntime.CodeSampling.EMPIRICAL, rt.defaultCodeSampling());
            long[] codes = rt.sampleCodes(500, 3, VaeRuntime.CodeSampling.EMPIRICAL);
            int ones = 0;
            for (int i = 0; i < 500; i++) {
                assertEquals(1, codes[i * 4]);
                assertEquals(0, codes[i * 4 + 3]);
                ones += (int) codes[i * 4 + 1];
            }
            assertTrue(ones > 200 && ones < 300, "about half of position 1 is code 1: " + ones);
            float[] s = rt.sample(2, 3);
            assertEquals(1f, s[0]);
            assertEquals(0f, s[3]);
        }
    }

    @Test
    void theCodeSamplingNameIsAParameter() {
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.CodeSampling.parse("x"));
        assertEquals("prior: unknown prior 'x', expected uniform or empirical", e.getMessage());
        assertEquals(List.of("prior"), e.parameters());
        assertEquals(VaeRuntime.CodeSampling.EMPIRICAL, VaeRuntime.CodeSampling.parse(" Empirical "));
    }

    private static float sigmoid(double v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    private static Path resource(String name) throws URISyntaxException, IOException {
        var url = FormatV2FixtureTest.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("test resource " + name + " is missing");
        }
        return Path.of(url.toURI());
    }
}
