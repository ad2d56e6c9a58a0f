package dev.vaeforge.runtime.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.commons.imaging.Imaging;

/**
 * Decodes PNG, JPEG, BMP, GIF and TIFF files into float CHW in [0, 1], in the file's own layout
 * (gray stays gray); {@link ImagePreprocessing} then fits them to a model's shape.
 *
 * <p>Every failure is an {@link ImageReadException} whose message names the file and the reason; no
 * input makes this hang or throw anything else. Before a decoder runs, the format is sniffed from the
 * content, PNG and JPEG files are walked structurally ({@link PngStructure}, {@link JpegStructure}), and
 * the image size from the header is checked against a pixel limit, so forged headers cannot exhaust
 * memory.
 *
 * <p>Decoders: Apache Commons Imaging by default. Where it cannot do the job, javax.imageio is used:
 * <ul>
 *   <li>progressive and extended-sequential JPEG: Commons Imaging 1.0.0-alpha5 decodes baseline JPEG
 *       only ("Only sequential, baseline JPEGs are supported at the moment");</li>
 *   <li>16-bit PNG: Commons Imaging reduces samples to 8 bits; javax.imageio keeps all 16.</li>
 *   <li>gray PNG without alpha: Commons Imaging writes the samples into a {@code TYPE_BYTE_GRAY}
 *       image with {@code setRGB}, i.e. through an sRGB to linear-gray conversion and back, which
 *       changes 73 of the 256 gray levels by up to 6/255.</li>
 * </ul>
 * Colour management is not applied: PNG gAMA/cHRM/sRGB/iCCP chunks are dropped before decoding (see
 * {@link PngStructure#IGNORED_CHUNKS}), so values match PIL and torchvision. EXIF orientation is not
 * applied either (neither decoder does).
 */
public final class ImageDecoder {
    /** Default limit on width x height: 2^25 (about 33.5 megapixels, e.g. 8192 x 4096). */
    public static final long DEFAULT_MAX_PIXELS = 1L << 25;
    static final String COMMONS_IMAGING = "commons-imaging";
    static final String IMAGEIO = "javax.imageio";

    private ImageDecoder() {
    }

    /** Reads and decodes {@code file}; messages name the file as given. */
    public static DecodedImage read(Path file) throws ImageReadException {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    public static DecodedImage read(Path file, long maxPixels) throws ImageReadException {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new ImageReadException(name, "cannot read the file (" + describe(e) + ")", e);
        }
        return decode(bytes, name, maxPixels);
    }

    /** Decodes file content; {@code name} is used in messages. */
    public static DecodedImage decode(byte[] bytes, String name) throws ImageReadException {
        return decode(bytes, name, DEFAULT_MAX_PIXELS);
    }

    public static DecodedImage decode(byte[] bytes, String name, long maxPixels) throws ImageReadException {
        ImageFileType type = sniff(bytes, bytes.length, name);
        switch (type) {
            case PNG -> {
                PngStructure png = PngStructure.parse(bytes, bytes.length, name);
                ImageHeader header = checkSize(png.header(), name, maxPixels);
                // 16-bit: Commons Imaging would drop the low byte of every sample. Gray without alpha:
                // it stores samples into a TYPE_BYTE_GRAY image through sRGB -> linear conversion, which
                // changes 73 of the 256 levels by up to 6/255.
                boolean imageIo = png.bitDepth == 16 || png.colourType == 0;
                return run(png.decodable, header, name, imageIo ? IMAGEIO : COMMONS_IMAGING);
            }
            case JPEG -> {
                JpegStructure jpeg = JpegStructure.parse(bytes, bytes.length, name);
                ImageHeader header = checkSize(jpeg.header(), name, maxPixels);
                checkSupported(jpeg, name);
                // Commons Imaging 1.0.0-alpha5 decodes baseline JPEG only.
                return run(bytes, header, name, jpeg.frameMarker == JpegStructure.SOF0_BASELINE ? COMMONS_IMAGING
                        : IMAGEIO);
            }
            case BMP -> {
                ImageHeader header = checkSize(SimpleHeaders.bmp(bytes, bytes.length, bytes.length, name), name, maxPixels);
                return run(bytes, header, name, COMMONS_IMAGING);
            }
            case GIF -> {
                ImageHeader header = checkSize(SimpleHeaders.gif(bytes, bytes.length, name), name, maxPixels);
                return run(bytes, header, name, COMMONS_IMAGING);
            }
            case TIFF -> {
                ImageHeader header = checkSize(SimpleHeaders.tiff(bytes, name), name, maxPixels);
                return run(bytes, header, name, COMMONS_IMAGING);
            }
            default -> throw new IllegalStateException("no decoder for " + type);
        }
    }

    /** The format of {@code head}, or the error every unrecognised file gets. */
    static ImageFileType sniff(byte[] head, int length, String name) throws ImageReadException {
        if (length == 0) {
            throw new ImageReadException(name, "empty file (0 bytes), not an image");
        }
        Optional<ImageFileType> type = ImageFileType.sniff(head, length);
        if (type.isPresent()) {
            return type.get();
        }
        String hint = looksLikeText(head, length) ? "; the file starts with text" : "";
        throw new ImageReadException(name, "not a " + ImageFileType.ALL_NAMES + " image (unrecognised header" + hint + ")");
    }

    /** 8-bit baseline, extended-sequential or progressive JPEG; anything else is an unsupported format. */
    static void checkSupported(JpegStructure jpeg, String name) throws ImageReadException {
        if (jpeg.precision != 8) {
            throw new ImageReadException(name, "unsupported JPEG (" + jpeg.precision + "-bit samples; only"
                    + " 8-bit JPEG is supported)");
        }
        switch (jpeg.frameMarker) {
            case JpegStructure.SOF0_BASELINE, JpegStructure.SOF1_EXTENDED, JpegStructure.SOF2_PROGRESSIVE -> { }
            default -> throw new ImageReadException(name, "unsupported JPEG (" + jpeg.codingName()
                    + " coding; save it as baseline or progressive JPEG, or as PNG)");
        }
    }

    static ImageHeader checkSize(ImageHeader header, String name, long maxPixels) throws ImageReadException {
        if (header.pixels() > maxPixels) {
            throw new ImageReadException(name, "image is " + header.sizeText() + ", " + header.pixels()
                    + " pixels, more than the limit of " + maxPixels + " pixels");
        }
        return header;
    }

    private static DecodedImage run(byte[] bytes, ImageHeader header, String name, String decoder)
            throws ImageReadException {
        BufferedImage img;
        try {
            img = decoder.equals(IMAGEIO) ? imageIo(bytes) : Imaging.getBufferedImage(bytes);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new ImageReadException(name, "truncated or corrupt " + header.type().displayName() + " data ("
                    + describe(e) + ")", e);
        } catch (OutOfMemoryError e) {
            // One failed allocation, e.g. a table sized by a corrupt field: nothing was allocated.
            throw new ImageReadException(name, "corrupt " + header.type().displayName() + " data (decoding needs"
                    + " more memory than is available: " + describe(e) + ")", e);
        }
        if (img == null) {
            throw new ImageReadException(name, "truncated or corrupt " + header.type().displayName()
                    + " data (" + decoder + " returned no image)");
        }
        if (img.getWidth() != header.width() || img.getHeight() != header.height()) {
            // GIF frames can be smaller than the logical screen; any other mismatch is corruption.
            if (header.type() != ImageFileType.GIF) {
                throw new ImageReadException(name, "corrupt " + header.type().displayName() + " data (header says "
                        + header.sizeText() + ", decoded " + img.getHeight() + "x" + img.getWidth() + ")");
            }
            header = new ImageHeader(header.type(), img.getWidth(), img.getHeight(), header.channels(),
                    header.bitDepth(), header.alpha());
        }
        return new DecodedImage(RasterConversion.toFloat(img, header.channels()), header, decoder);
    }

    /** javax.imageio from memory: no temporary cache files, reader disposed. */
    private static BufferedImage imageIo(byte[] bytes) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    private static boolean looksLikeText(byte[] b, int length) {
        int n = Math.min(length, 64);
        for (int i = 0; i < n; i++) {
            int v = b[i] & 0xff;
            boolean text = (v >= 0x20 && v < 0x7f) || v == '\n' || v == '\r' || v == '\t';
            if (!text) {
                return false;
            }
        }
        return true;
    }
}
