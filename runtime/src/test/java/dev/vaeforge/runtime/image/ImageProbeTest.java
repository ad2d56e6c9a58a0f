package dev.vaeforge.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.CorruptFiles;
import dev.vaeforge.fixtures.SampleImage;
import dev.vaeforge.fixtures.SampleImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageProbeTest {
    @TempDir
    Path dir;

    @Test
    void probeReportsSizeAndChannelsOfEveryFormat() throws IOException {
        for (SampleImage s : SampleImages.writeAll(dir, 50, 20, 0)) {
            ImageHeader h = ImageProbe.probe(s.file());
            assertEquals(50, h.width(), s.format().toString());
            assertEquals(20, h.height(), s.format().toString());
            assertEquals(s.colourChannels(), h.channels(), s.format().toString());
        }
    }

    @Test
    void everyCorruptFileFailsAlreadyAtTheProbe() throws IOException {
        Map<CorruptFiles.Kind, Path> files = CorruptFiles.writeAll(dir);
        for (var e : files.entrySet()) {
            ImageReadException probe = assertThrows(ImageReadException.class, () -> ImageProbe.probe(e.getValue()),
                    e.getKey().toString());
            ImageReadException decode = assertThrows(ImageReadException.class, () -> ImageDecoder.read(e.getValue()));
            assertEquals(decode.getMessage(), probe.getMessage(), "probe and decoder must agree on " + e.getKey());
        }
    }

    @Test
    void largeTruncatedFilesAreCaughtByTheTailCheck() throws IOException {
        // bigger than the head the probe reads, so the cheap path (header + end marker) is used
        for (String f : new String[] {"png", "jpg"}) {
            byte[] full = noise(f, 500, 300);
            assertTrue(full.length > ImageProbe.HEAD_BYTES, f + " sample too small: " + full.length);
            Path good = dir.resolve("big." + f);
            Files.write(good, full);
            assertEquals(500, ImageProbe.probe(good).width());
            Path cut = dir.resolve("cut." + f);
            Files.write(cut, Arrays.copyOf(full, full.length - 100));
            ImageReadException e = assertThrows(ImageReadException.class, () -> ImageProbe.probe(cut));
            assertTrue(e.reason().startsWith("truncated"), e.getMessage());
        }
    }

    @Test
    void trailingBytesAfterTheEndMarkerAreAccepted() throws IOException {
        byte[] png = noise("png", 300, 200);
        assertTrue(png.length > ImageProbe.HEAD_BYTES);
        byte[] padded = Arrays.copyOf(png, png.length + 50);
        Path file = dir.resolve("padded.png");
        Files.write(file, padded);
        assertEquals(200, ImageProbe.probe(file).height());
        assertEquals(200, ImageDecoder.read(file).image().height());
    }

    /** Random pixels: incompressible, so the file is larger than the probe's head. */
    private static byte[] noise(String format, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(3);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }
}
