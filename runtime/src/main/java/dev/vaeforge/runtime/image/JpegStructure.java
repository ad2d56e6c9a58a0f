package dev.vaeforge.runtime.image;

/**
 * Walks a JPEG's marker segments before any decoder sees it. Decoders differ on bad JPEGs: some return
 * a half-gray image for a truncated file without a word. Requiring the end-of-image marker after the
 * scans turns truncation into an error, and the frame header tells which decoder can handle the file
 * (baseline vs progressive) and whether it is gray.
 */
final class JpegStructure {
    static final int SOF0_BASELINE = 0xc0;
    static final int SOF1_EXTENDED = 0xc1;
    static final int SOF2_PROGRESSIVE = 0xc2;

    final int frameMarker;
    final int precision;
    final int width;
    final int height;
    final int components;

    private JpegStructure(int frameMarker, int precision, int width, int height, int components) {
        this.frameMarker = frameMarker;
        this.precision = precision;
        this.width = width;
        this.height = height;
        this.components = components;
    }

    ImageHeader header() {
        return new ImageHeader(ImageFileType.JPEG, width, height, components == 1 ? 1 : 3, precision, false);
    }

    String codingName() {
        return switch (frameMarker) {
            case 0xc0 -> "baseline";
            case 0xc1 -> "extended sequential";
            case 0xc2 -> "progressive";
            case 0xc3 -> "lossless";
            case 0xc5, 0xc6, 0xc7 -> "hierarchical";
            default -> "arithmetic-coded";
        };
    }

    /**
     * Reads up to the frame header only; returns null when {@code length} bytes end before it (the
     * caller may retry with more of the file).
     */
    static JpegStructure readHeader(byte[] b, int length, String name) throws ImageReadException {
        return walk(b, length, name, false);
    }

    /** Checks the whole file: frame header, at least one complete scan, end-of-image marker. */
    static JpegStructure parse(byte[] b, int length, String name) throws ImageReadException {
        return walk(b, length, name, true);
    }

    private static JpegStructure walk(byte[] b, int length, String name, boolean whole) throws ImageReadException {
        JpegStructure frame = null;
        boolean scanned = false;
        int pos = 2;
        while (true) {
            if (pos + 1 >= length) {
                if (!whole) {
                    return null;
                }
                throw new ImageReadException(name, "truncated or corrupt JPEG data (file ends after " + length
                        + " bytes, before the end-of-image marker)");
            }
            if ((b[pos] & 0xff) != 0xff) {
                // Extraneous bytes before a marker: libjpeg (and so PIL) warns and skips them; so do we.
                pos++;
                continue;
            }
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xff) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xd9) {
                if (frame == null) {
                    throw new ImageReadException(name, "truncated or corrupt JPEG data (end-of-image marker before"
                            + " any frame header)");
                }
                if (!scanned) {
                    throw new ImageReadException(name, "truncated or corrupt JPEG data (no image data: end-of-image"
                            + " marker before any scan)");
                }
                return frame;
            }
            if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) {
                pos += 2; // stand-alone markers
                continue;
            }
            if (marker == 0xd8 || marker == 0x00) {
                throw new ImageReadException(name, "truncated or corrupt JPEG data (unexpected marker 0x"
                        + Integer.toHexString(marker) + " at byte " + pos + ")");
            }
            if (pos + 4 > length) {
                if (!whole) {
                    return null;
                }
                throw new ImageReadException(name, "truncated or corrupt JPEG data (file ends inside the header of"
                        + " segment 0xff" + Integer.toHexString(marker) + " at byte " + pos + ")");
            }
            int segment = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
            if (segment < 2) {
                throw new ImageReadException(name, "truncated or corrupt JPEG data (segment length " + segment
                        + " at byte " + pos + ")");
            }
            if (pos + 2 + segment > length) {
                if (!whole) {
                    return null;
                }
                throw new ImageReadException(name, "truncated or corrupt JPEG data (segment 0xff"
                        + Integer.toHexString(marker) + " at byte " + pos + " runs past the end of the file)");
            }
            if (isFrameHeader(marker)) {
                if (frame != null) {
                    throw new ImageReadException(name, "unsupported JPEG (more than one frame header)");
                }
                frame = frameHeader(b, pos, segment, marker, name);
                if (!whole) {
                    return frame;
                }
            }
            if (marker == 0xda) {
                if (frame == null) {
                    throw new ImageReadException(name, "truncated or corrupt JPEG data (scan before the frame header)");
                }
                pos = skipEntropyCodedData(b, pos + 2 + segment, length);
                scanned = true;
                continue;
            }
            pos += 2 + segment;
        }
    }

    /** Moves past entropy-coded bytes to the next marker other than a stuffed 0xff00 or a restart marker. */
    private static int skipEntropyCodedData(byte[] b, int pos, int length) {
        while (pos + 1 < length) {
            if ((b[pos] & 0xff) == 0xff) {
                int next = b[pos + 1] & 0xff;
                if (next == 0x00 || (next >= 0xd0 && next <= 0xd7)) {
                    pos += 2;
                    continue;
                }
                if (next != 0xff) {
                    return pos;
                }
            }
            pos++;
        }
        return length;
    }

    private static boolean isFrameHeader(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    private static JpegStructure frameHeader(byte[] b, int pos, int segment, int marker, String name)
            throws ImageReadException {
        if (segment < 8) {
            throw new ImageReadException(name, "truncated or corrupt JPEG data (frame header of " + segment + " bytes)");
        }
        int precision = b[pos + 4] & 0xff;
        int height = ((b[pos + 5] & 0xff) << 8) | (b[pos + 6] & 0xff);
        int width = ((b[pos + 7] & 0xff) << 8) | (b[pos + 8] & 0xff);
        int components = b[pos + 9] & 0xff;
        if (height == 0) {
            throw new ImageReadException(name, "unsupported JPEG (height 0: height defined later by a DNL marker)");
        }
        if (width == 0) {
            throw new ImageReadException(name, "truncated or corrupt JPEG data (width 0 in the frame header)");
        }
        if (components != 1 && components != 3 && components != 4) {
            throw new ImageReadException(name, "unsupported JPEG (" + components + " colour components, expected 1,"
                    + " 3 or 4)");
        }
        return new JpegStructure(marker, precision, width, height, components);
    }
}
