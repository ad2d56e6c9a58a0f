package dev.vaeforge.runtime.image;

import org.apache.commons.imaging.ImageInfo;
import org.apache.commons.imaging.Imaging;

/** Header checks for BMP, GIF and TIFF, whose decoders report problems well enough on their own. */
final class SimpleHeaders {
    private SimpleHeaders() {
    }

    /**
     * BMP: size from the info header; for uncompressed files also checks that the file is long enough
     * for all pixel rows, because a truncated BMP has no other end marker.
     */
    static ImageHeader bmp(byte[] b, int length, long fileSize, String name) throws ImageReadException {
        if (length < 26) {
            throw new ImageReadException(name, "truncated BMP data (file ends inside the header, " + length + " bytes)");
        }
        long dataOffset = le32(b, 10) & 0xffffffffL;
        int infoSize = le32(b, 14);
        long width;
        long height;
        int bitsPerPixel;
        int compression = 0;
        if (infoSize == 12) {
            width = le16(b, 18);
            height = le16(b, 20);
            bitsPerPixel = le16(b, 24);
        } else if (infoSize >= 40 && length >= 34) {
            width = le32(b, 18);
            height = Math.abs((long) le32(b, 22)); // negative height: rows stored top-down
            bitsPerPixel = le16(b, 28);
            compression = le32(b, 30);
        } else {
            throw new ImageReadException(name, "corrupt BMP data (info header of " + infoSize + " bytes)");
        }
        if (width <= 0 || height <= 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageReadException(name, "corrupt BMP data (size " + width + "x" + height + ")");
        }
        if (bitsPerPixel != 1 && bitsPerPixel != 4 && bitsPerPixel != 8 && bitsPerPixel != 16 && bitsPerPixel != 24
                && bitsPerPixel != 32) {
            throw new ImageReadException(name, "corrupt BMP data (" + bitsPerPixel + " bits per pixel)");
        }
        boolean uncompressed = compression == 0 || compression == 3 || compression == 6;
        if (uncompressed) {
            long rowBytes = (bitsPerPixel * width + 31) / 32 * 4;
            long needed = dataOffset + rowBytes * height;
            if (needed > fileSize) {
                throw new ImageReadException(name, "truncated BMP data (pixel rows end at byte " + needed
                        + ", the file has " + fileSize + ")");
            }
        }
        return new ImageHeader(ImageFileType.BMP, (int) width, (int) height, 3, 8, false);
    }

    /** GIF: the logical screen size. */
    static ImageHeader gif(byte[] b, int length, String name) throws ImageReadException {
        if (length < 13) {
            throw new ImageReadException(name, "truncated GIF data (file ends inside the header, " + length + " bytes)");
        }
        int width = le16(b, 6);
        int height = le16(b, 8);
        if (width == 0 || height == 0) {
            throw new ImageReadException(name, "corrupt GIF data (size " + width + "x" + height + ")");
        }
        return new ImageHeader(ImageFileType.GIF, width, height, 3, 8, false);
    }

    /** TIFF: the first image's directory, read by Commons Imaging (directories can sit anywhere in the file). */
    static ImageHeader tiff(byte[] whole, String name) throws ImageReadException {
        ImageInfo info;
        try {
            info = Imaging.getImageInfo(whole);
        } catch (Exception e) {
            throw new ImageReadException(name, "truncated or corrupt TIFF data (" + ImageDecoder.describe(e) + ")", e);
        }
        if (info.getWidth() <= 0 || info.getHeight() <= 0) {
            throw new ImageReadException(name, "corrupt TIFF data (size " + info.getWidth() + "x" + info.getHeight() + ")");
        }
        boolean gray = info.getColorType() == ImageInfo.ColorType.GRAYSCALE || info.getColorType() == ImageInfo.ColorType.BW;
        int bits = info.getBitsPerPixel();
        int depth = gray ? Math.max(1, bits) : Math.max(1, bits / 3);
        return new ImageHeader(ImageFileType.TIFF, info.getWidth(), info.getHeight(), gray ? 1 : 3, depth, false);
    }

    private static int le16(byte[] b, int pos) {
        return (b[pos] & 0xff) | ((b[pos + 1] & 0xff) << 8);
    }

    private static int le32(byte[] b, int pos) {
        return (b[pos] & 0xff) | ((b[pos + 1] & 0xff) << 8) | ((b[pos + 2] & 0xff) << 16) | ((b[pos + 3] & 0xff) << 24);
    }
}
