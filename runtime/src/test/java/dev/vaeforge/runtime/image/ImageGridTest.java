package dev.vaeforge.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaeforge.runtime.data.ImageShape;
import org.junit.jupiter.api.Test;

class ImageGridTest {
    private static final ImageShape SHAPE = new ImageShape(1, 2, 3);

    /** Image i is filled with the value (i + 1) / 10. */
    private static float[] batch(int n, float offset) {
        float[] b = new float[n * SHAPE.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (i / SHAPE.size() + 1) / 10f + offset;
        }
        return b;
    }

    @Test
    void gridPlacesImagesRowByRowWithPadding() {
        FloatImage g = ImageGrid.of(batch(5, 0), SHAPE, 5, 3, 1);
        // 3 columns x 2 rows of 2x3 images with 1 pixel around and between
        assertEquals(3 * 3 + 4, g.width());
        assertEquals(2 * 2 + 3, g.height());
        assertEquals(ImageGrid.DEFAULT_PAD_VALUE, g.get(0, 0, 0));
        assertEquals(0.1f, g.get(0, 1, 1)); // image 0 top-left
        assertEquals(0.1f, g.get(0, 2, 3)); // image 0 bottom-right
        assertEquals(ImageGrid.DEFAULT_PAD_VALUE, g.get(0, 1, 4)); // gap between columns
        assertEquals(0.2f, g.get(0, 1, 5)); // image 1
        assertEquals(0.4f, g.get(0, 4, 1)); // image 3 starts row 2
        assertEquals(0.5f, g.get(0, 4, 5));
        assertEquals(ImageGrid.DEFAULT_PAD_VALUE, g.get(0, 4, 9)); // empty last cell
    }

    @Test
    void fewerImagesThanColumnsMakesOneNarrowRow() {
        FloatImage g = ImageGrid.of(batch(2, 0), SHAPE, 2, 8, 0);
        assertEquals(6, g.width());
        assertEquals(2, g.height());
    }

    @Test
    void comparisonPutsReconstructionsUnderOriginals() {
        FloatImage g = ImageGrid.comparison(batch(3, 0), batch(3, 0.05f), SHAPE, 3, 2, 1);
        // groups: [0,1] and [2]; rows: orig, recon, (gap), orig, recon
        assertEquals(2 * 3 + 3, g.width());
        assertEquals(4 * 2 + 5 + 1, g.height());
        assertEquals(0.1f, g.get(0, 1, 1));
        assertEquals(0.15f, g.get(0, 4, 1), 1e-6);
        assertEquals(0.25f, g.get(0, 4, 5), 1e-6);
        // the extra gap before the second group
        assertEquals(ImageGrid.DEFAULT_PAD_VALUE, g.get(0, 7, 1));
        assertEquals(0.3f, g.get(0, 8, 1), 1e-6);
        assertEquals(0.35f, g.get(0, 11, 1), 1e-6);
    }

    @Test
    void stripIsOneRow() {
        FloatImage s = ImageGrid.strip(batch(4, 0), SHAPE, 4, 2);
        assertEquals(2 + 4, s.height());
        assertEquals(4 * 3 + 5 * 2, s.width());
    }

    @Test
    void rgbGridsKeepChannels() {
        ImageShape rgb = new ImageShape(3, 2, 2);
        float[] b = new float[2 * rgb.size()];
        b[rgb.size() + 2 * 4] = 1f; // image 1, blue channel, top-left
        FloatImage g = ImageGrid.of(b, rgb, 2, 2, 1);
        assertEquals(3, g.channels());
        assertEquals(1f, g.get(2, 1, 4));
        assertEquals(0f, g.get(0, 1, 4));
    }

    @Test
    void badArgumentsNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.of(new float[6], SHAPE, 2, 2, 1));
        assertEquals("batch: 2 images of 1x2x3 need 12 values, the batch has 6", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(new float[6], SHAPE, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(new float[6], SHAPE, 1, 1, -1));
    }

    @Test
    void builderFilledInChunksEqualsTheWholeGridAndSizeIsComputedUpFront() {
        ImageShape shape = new ImageShape(3, 4, 5);
        int n = 11;
        float[] batch = new float[n * shape.size()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (i * 37 % 101) / 100f;
        }
        FloatImage whole = ImageGrid.of(batch, shape, n, 4, 2);
        ImageGrid.Builder b = ImageGrid.builder(shape, n, 4, 2);
        for (int from = 0; from < n; from += 3) {
            int m = Math.min(3, n - from);
            float[] chunk = java.util.Arrays.copyOfRange(batch, from * shape.size(), (from + m) * shape.size());
            b.add(chunk, m);
        }
        FloatImage chunked = b.image();
        assertEquals(whole.height(), chunked.height());
        assertEquals(whole.width(), chunked.width());
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole.data(), chunked.data());
        long[] size = ImageGrid.size(shape, n, 4, 2);
        assertEquals(whole.height(), size[0]);
        assertEquals(whole.width(), size[1]);
        // 100000 images of 64x64 in 317 columns: computed, never allocated
        long[] huge = ImageGrid.size(new ImageShape(3, 64, 64), 100_000, 317, 2);
        assertEquals(316 * 64 + 317 * 2, huge[0]);
        assertEquals(317 * 64 + 318 * 2, huge[1]);
        assertThrows(IllegalStateException.class, () -> ImageGrid.builder(shape, 2, 2, 0).image());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.builder(shape, 1, 1, 0).add(batch, 2));
    }
}
