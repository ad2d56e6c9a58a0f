package dev.vaeforge.runtime.image;

import java.io.ByteArrayOutputStream;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks before any decoder sees it, so that a bad file fails with a specific reason
 * (truncated, bad CRC, no image data) and a forged chunk length can never make a decoder allocate
 * gigabytes. It also removes the colour-management chunks (see {@link #IGNORED_CHUNKS}).
 *
 * <p>CRCs are checked for critical chunks only, like libpng: a damaged comment does not make pixels
 * wrong, a damaged IHDR or IDAT does.
 */
final class PngStructure {
    /**
     * Commons Imaging applies a gAMA chunk's gamma to the pixels (and converts iCCP profiles), while
     * PIL, torchvision, OpenCV and javax.imageio all return the stored samples. Models are trained and
     * compared on stored samples, so these chunks are dropped before decoding.
     */
    static final Set<String> IGNORED_CHUNKS = Set.of("gAMA", "cHRM", "sRGB", "iCCP");

    final int width;
    final int height;
    final int bitDepth;
    final int colourType;
    /** The file without ignored chunks and trailing bytes; the input array itself when nothing was removed. */
    final byte[] decodable;

    private PngStructure(int width, int height, int bitDepth, int colourType, byte[] decodable) {
        this.width = width;
        this.height = height;
        this.bitDepth = bitDepth;
        this.colourType = colourType;
        this.decodable = decodable;
    }

    ImageHeader header() {
        return headerOf(width, height, bitDepth, colourType);
    }

    /** Header fields from the first 33 bytes (signature + IHDR), without walking the rest. */
    static ImageHeader readHeader(byte[] b, int length, String name) throws ImageReadException {
        if (length < 33) {
            throw new ImageReadException(name, "truncated PNG data (file ends inside the IHDR header, "
                    + length + " bytes)");
        }
        checkIhdrChunk(b, 8, length, name);
        return headerOf(int32(b, 16), int32(b, 20), b[24] & 0xff, b[25] & 0xff);
    }

    /** Checks the whole file. */
    static PngStructure parse(byte[] b, int length, String name) throws ImageReadException {
        int pos = 8;
        boolean seenData = false;
        boolean dropped = false;
        ByteArrayOutputStream kept = new ByteArrayOutputStream(length);
        kept.write(b, 0, 8);
        ImageHeader ihdr = null;
        int bitDepth = 0;
        int colourType = 0;
        while (true) {
            if (pos >= length) {
                throw new ImageReadException(name, "truncated PNG data (file ends after " + length
                        + " bytes, before the IEND chunk)");
            }
            if (length - pos < 12) {
                throw new ImageReadException(name, "truncated PNG data (file ends inside a chunk header at byte " + pos + ")");
            }
            long chunkLength = int32(b, pos) & 0xffffffffL;
            String type = chunkType(b, pos + 4);
            if (type == null) {
                throw new ImageReadException(name, "corrupt PNG data (invalid chunk type at byte " + (pos + 4) + ")");
            }
            if (chunkLength > Integer.MAX_VALUE || pos + 12 + chunkLength > length) {
                throw new ImageReadException(name, "truncated PNG data (chunk " + type + " at byte " + pos + " needs "
                        + chunkLength + " data bytes, the file ends after " + length + ")");
            }
            int dataLength = (int) chunkLength;
            if (Character.isUpperCase(type.charAt(0))) {
                CRC32 crc = new CRC32();
                crc.update(b, pos + 4, 4 + dataLength);
                if ((int) crc.getValue() != int32(b, pos + 8 + dataLength)) {
                    throw new ImageReadException(name, "corrupt PNG data (CRC mismatch in chunk " + type + " at byte "
                            + pos + ")");
                }
            }
            if (ihdr == null) {
                if (!type.equals("IHDR")) {
                    throw new ImageReadException(name, "corrupt PNG data (first chunk is " + type + ", expected IHDR)");
                }
                checkIhdrChunk(b, pos, length, name);
                bitDepth = b[pos + 16] & 0xff;
                colourType = b[pos + 17] & 0xff;
                ihdr = headerOf(int32(b, pos + 8), int32(b, pos + 12), bitDepth, colourType);
            }
            seenData |= type.equals("IDAT");
            int next = pos + 12 + dataLength;
            if (IGNORED_CHUNKS.contains(type)) {
                dropped = true;
            } else {
                kept.write(b, pos, next - pos);
            }
            if (type.equals("IEND")) {
                if (!seenData) {
                    throw new ImageReadException(name, "corrupt PNG data (no IDAT chunk: the file holds no pixels)");
                }
                boolean trailing = next < length || length < b.length;
                byte[] decodable = dropped || trailing ? kept.toByteArray() : b;
                return new PngStructure(ihdr.width(), ihdr.height(), bitDepth, colourType, decodable);
            }
            pos = next;
        }
    }

    private static void checkIhdrChunk(byte[] b, int pos, int length, String name) throws ImageReadException {
        if (int32(b, pos) != 13 || !"IHDR".equals(chunkType(b, pos + 4))) {
            throw new ImageReadException(name, "corrupt PNG data (no 13-byte IHDR chunk after the signature)");
        }
        int width = int32(b, pos + 8);
        int height = int32(b, pos + 12);
        int depth = b[pos + 16] & 0xff;
        int colour = b[pos + 17] & 0xff;
        if (width <= 0 || height <= 0) {
            throw new ImageReadException(name, "corrupt PNG data (IHDR size " + (width & 0xffffffffL) + "x"
                    + (height & 0xffffffffL) + ")");
        }
        boolean valid = switch (colour) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> false;
        };
        if (!valid) {
            throw new ImageReadException(name, "corrupt PNG data (bit depth " + depth + " with colour type " + colour + ")");
        }
        if (b[pos + 18] != 0 || b[pos + 19] != 0 || (b[pos + 20] & 0xff) > 1) {
            throw new ImageReadException(name, "corrupt PNG data (unknown compression, filter or interlace method)");
        }
    }

    private static ImageHeader headerOf(int width, int height, int bitDepth, int colourType) {
        boolean gray = colourType == 0 || colourType == 4;
        boolean alpha = colourType == 4 || colourType == 6;
        return new ImageHeader(ImageFileType.PNG, width, height, gray ? 1 : 3, bitDepth, alpha);
    }

    private static String chunkType(byte[] b, int pos) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            int v = b[pos + i] & 0xff;
            if (!((v >= 'A' && v <= 'Z') || (v >= 'a' && v <= 'z'))) {
                return null;
            }
            c[i] = (char) v;
        }
        return new String(c);
    }

    static int int32(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
    }
}
