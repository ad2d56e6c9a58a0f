package dev.vaeforge.runtime.image;

/**
 * A decoded file: its pixels in the file's own colour layout (gray stays 1 channel, alpha already
 * composited over black), what its header said, and which decoder produced it.
 *
 * @param decoder {@code "commons-imaging"} or {@code "javax.imageio"} (see {@link ImageDecoder})
 */
public record DecodedImage(FloatImage image, ImageHeader header, String decoder) {
}
