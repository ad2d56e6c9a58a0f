package dev.vaeforge.runtime.condition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.TinyBundles;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cvae bundle: y reaches both graphs, is required, and the manifest's conditioning is checked on open. */
class ConditionalBundleTest {
    static final List<String> SHAPES = List.of("square", "ellipse", "heart");

    @TempDir
    Path tmp;

    @Test
    void everyOperationTakesTheCondition() {
        Path b = tmp.resolve("cvae");
        TinyBundles.writeConditional(b, "labels", SHAPES);
        try (VaeRuntime rt = VaeRuntime.open(b, Device.CPU, 2)) {
            ConditionSpec spec = rt.condition().orElseThrow();
            assertEquals(new ConditionSpec(ConditionKind.LABELS, SHAPES), spec);
            Condition heart = Condition.label(spec, "heart");
            Condition square = Condition.label(spec, "0");
            int per = TinyBundles.C * TinyBundles.H * TinyBundles.W;
            float[] hearts = rt.sample(5, 3, heart.repeat(5));
            float[] squares = rt.sample(5, 3, square.repeat(5));
            assertEquals(5 * per, hearts.length);
            for (float v : hearts) {
                assertTrue(v >= 0 && v <= 1, "pixel " + v);
            }
            assertFalse(Arrays.equals(hearts, squares), "the condition changes the decoded image");
            assertArrayEquals(hearts, rt.sample(5, 3, heart.repeat(5)), "seeded");

            float[] x = new float[5 * per];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) / 6f;
            }
            // chunks of 2 images: the conditions must be sliced along with the images
            float[] y = new float[5 * 3];
            for (int i = 0; i < 5; i++) {
                y[i * 3 + i % 3] = 1f;
            }
            Posterior all = rt.encode(x, y, 5);
            Posterior last = rt.encode(Arrays.copyOfRange(x, 4 * per, 5 * per), Arrays.copyOfRange(y, 12, 15), 1);
            assertArrayEquals(Arrays.copyOfRange(all.mu(), 4 * 2, 5 * 2), last.mu(), 1e-6f);
            assertEquals(5 * per, rt.reconstruct(x, y, 5).length);
            assertEquals(4 * per, rt.interpolate(Arrays.copyOf(x, per), Arrays.copyOfRange(x, per, 2 * per), 4,
                    heart.vector()).length);

            VaeforgeException e = assertThrows(VaeforgeException.class, () -> rt.sample(2, 1));
            assertTrue(e.getMessage().contains("conditioned on labels (0=square, 1=ellipse, 2=heart)"), e.getMessage());
            e = assertThrows(VaeforgeException.class, () -> rt.decode(new float[4], new float[5], 2));
            assertTrue(e.getMessage().contains("conditions: 5 values, expected 2 x 3 = 6"), e.getMessage());
        }
    }

    @Test
    void unconditionalBundleRefusesACondition() {
        Path b = tmp.resolve("vae");
        TinyBundles.write(b);
        try (VaeRuntime rt = VaeRuntime.open(b, Device.CPU)) {
            assertTrue(rt.condition().isEmpty());
            VaeforgeException e = assertThrows(VaeforgeException.class, () -> rt.sample(2, 1, new float[6]));
            assertTrue(e.getMessage().contains("takes no condition"), e.getMessage());
        }
    }

    @Test
    void manifestConditioningIsChecked() throws IOException {
        Path b = tmp.resolve("c");
        TinyBundles.writeConditional(b, "labels", SHAPES);
        assertRefused(b, s -> s.replaceFirst("\"conditioning\" : \\{[^}]*\\},", ""),
                "field 'conditioning' is missing ({type: labels|attributes, names: [...]}), but graphs");
        assertRefused(b, s -> s.replace("\"heart\"", "\"square\""),
                "field 'conditioning': condition name 'square' appears twice");
        assertRefused(b, s -> s.replace("\"type\" : \"labels\"", "\"type\" : \"tags\""),
                "field 'conditioning': unknown conditioning 'tags', expected labels or attributes");
        assertRefused(b, s -> s.replace(", \"heart\"", ""),
                "field 'graphs.encoder.inputs' tensor y:float32[N,3] (role condition) must be float32[N,2]");

        Path v = tmp.resolve("v");
        TinyBundles.write(v);
        assertRefused(v, s -> s.replace("\"prior\"", "\"conditioning\" : {\"type\" : \"labels\", \"names\" : [\"a\", \"b\"]},"
                + " \"prior\""), "field 'conditioning' is present, but no graph has an input with role condition");
    }

    private static void assertRefused(Path bundle, java.util.function.UnaryOperator<String> edit, String fragment)
            throws IOException {
        Path m = bundle.resolve("manifest.json");
        String original = Files.readString(m, StandardCharsets.UTF_8);
        String edited = edit.apply(original);
        assertFalse(edited.equals(original), "the edit changed nothing: " + fragment);
        Files.writeString(m, edited, StandardCharsets.UTF_8);
        try {
            VaeforgeException e = assertThrows(VaeforgeException.class, () -> BundleReader.open(bundle));
            assertTrue(e.getMessage().contains(fragment), "expected <" + fragment + "> in " + e.getMessage());
        } finally {
            Files.writeString(m, original, StandardCharsets.UTF_8);
        }
    }
}
