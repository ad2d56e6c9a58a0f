package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.ImagePreprocessing;
import dev.vaeforge.runtime.image.ImageReadException;
import dev.vaeforge.runtime.image.PngWriter;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Image files for the commands: read one image fitted to a model, write PNGs atomically. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** Reads {@code file} as CHW floats fitted to {@code shape} by the documented conversion rules. */
    static float[] readImage(Path file, ImageShape shape, boolean resize) {
        try {
            FloatImage img = ImageDecoder.read(file).image();
            return new ImagePreprocessing(shape, resize).apply(img, file.toString());
        } catch (ImageReadException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, e.getMessage(), e);
        }
    }

    /** Writes a PNG so that a crash never leaves a truncated file under its name. */
    static void writePng(FloatImage img, Path file) {
        try {
            AtomicFiles.write(file, PngWriter.encode(img));
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void writePng(float[] chw, ImageShape shape, Path file) {
        writePng(new FloatImage(shape.channels(), shape.height(), shape.width(), chw), file);
    }
}
