package dev.vaeforge.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaeforge.fixtures.FloatArrays;
import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesData;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.data.ImageShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngWriterTest {
    @TempDir
    Path dir;

    @Test
    void rgbRoundTripIsWithinHalfAStep() throws IOException {
        float[] chw = new float[3 * 20 * 30];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) r.nextDouble();
        }
        Path file = dir.resolve("sub/rgb.png");
        PngWriter.write(chw, new ImageShape(3, 20, 30), file);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(2, bytes[25], "colour type RGB");
        FloatImage back = ImageDecoder.read(file).image();
        assertEquals(3, back.channels());
        FloatArrays.assertClose(chw, back.data(), 0.5 / 255 + 1e-6, "png round trip");
    }

    @Test
    void grayIsWrittenAsGrayAndReadsBackAsOneChannel() throws IOException {
        ShapesData shapes = Shapes.generate(new ShapesSpec(1, 32, false, 0));
        byte[] png = PngWriter.encode(new FloatImage(1, 32, 32, shapes.pixels()));
        assertEquals(0, png[25], "colour type gray");
        assertEquals(8, png[24], "bit depth");
        FloatImage back = ImageDecoder.decode(png, "gray.png").image();
        assertEquals(1, back.channels());
        FloatArrays.assertClose(shapes.pixels(), back.data(), 0.5 / 255 + 1e-6, "gray round trip");
    }

    @Test
    void valuesAreClampedAndRoundedHalfUp() {
        float[] v = {-0.5f, 0f, 0.5f / 255f, 0.49f / 255f, 1f, 3f, Float.NaN, 128.5f / 255f};
        int[] expected = {0, 0, 1, 0, 255, 255, 0, 129};
        int[] got = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            got[i] = PngWriter.quantise(v[i]);
        }
        assertArrayEquals(expected, got);
    }
}
