package dev.vaeforge.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.bundle.TensorRole;
import org.junit.jupiter.api.Test;

class PixelMappingTest {
    @Test
    void unitRangeAndProbabilitiesAreTheIdentity() {
        PixelMapping m = new PixelMapping(0, 1);
        assertTrue(m.identity());
        float[] x = {0.2f, 0.9f};
        assertSame(x, m.toGraph(x));
        assertArrayEquals(new float[] {0.2f, 0.9f}, m.fromReconstruction(x.clone(), TensorRole.VALUES_PROBABILITIES));
    }

    @Test
    void imagesMapLinearlyToTheBundlesRange() {
        PixelMapping m = new PixelMapping(-1, 1);
        assertFalse(m.identity());
        assertArrayEquals(new float[] {-1f, 0f, 0.5f, 1f}, m.toGraph(new float[] {0f, 0.5f, 0.75f, 1f}), 1e-7f);
        assertArrayEquals(new float[] {0f, 127.5f, 255f}, new PixelMapping(0, 255).toGraph(new float[] {0f, 0.5f, 1f}), 1e-4f);
    }

    @Test
    void logitsGoThroughASigmoid() {
        float[] out = new PixelMapping(-1, 1).fromReconstruction(new float[] {0f, 2f, -2f}, TensorRole.VALUES_LOGITS);
        assertArrayEquals(new float[] {0.5f, (float) (1 / (1 + Math.exp(-2))), (float) (1 / (1 + Math.exp(2)))}, out, 1e-7f);
    }

    @Test
    void pixelsInTheRangeMapBackAndClip() {
        float[] out = new PixelMapping(-1, 1).fromReconstruction(new float[] {-1f, 0f, 0.5f, 1.5f, -3f}, TensorRole.VALUES_PIXELS);
        assertArrayEquals(new float[] {0f, 0.5f, 0.75f, 1f, 0f}, out, 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> new PixelMapping(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PixelMapping(0, 1).fromReconstruction(new float[1], "percent"));
    }
}
