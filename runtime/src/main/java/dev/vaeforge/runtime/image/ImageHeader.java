package dev.vaeforge.runtime.image;

/**
 * What a file's header says about its image, read without decoding pixels.
 *
 * @param channels 1 for gray formats (gray PNG, one-component JPEG, gray TIFF), 3 for everything else
 *                 (colour, palette); alpha is not counted because it is composited away
 * @param bitDepth bits per sample as stored (16 for 16-bit PNG, 8 for most files)
 * @param alpha    whether the header announces an alpha channel (PNG colour types 4 and 6)
 */
public record ImageHeader(ImageFileType type, int width, int height, int channels, int bitDepth, boolean alpha) {
    public ImageHeader {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    /** "218x178 (height x width)", the form every size message uses. */
    public String sizeText() {
        return height + "x" + width + " (height x width)";
    }
}
