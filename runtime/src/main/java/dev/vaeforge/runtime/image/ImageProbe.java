package dev.vaeforge.runtime.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A cheap check of an image file without decoding its pixels, so that a dataset can report bad files
 * when it is opened instead of in the middle of training.
 *
 * <p>PNG and JPEG files up to {@value #HEAD_BYTES} bytes (CelebA's JPEGs are about 10 KB) are walked
 * completely: chunk CRCs, scans, end markers. Larger ones are checked at both ends: the header (format,
 * size, channels) and the end marker (PNG IEND, JPEG EOI), whose absence means truncation; only when
 * that looks odd is the whole file walked. BMP: header and file length. GIF: header and trailer byte,
 * decoded when the trailer is missing. JPEG codings the decoder does not support (lossless, hierarchical,
 * arithmetic, 12-bit) are rejected here too. TIFF (directories can be anywhere): decoded completely. Compressed
 * pixel data is otherwise not checked, so a file can still fail to decode later.
 */
public final class ImageProbe {
    static final int HEAD_BYTES = 64 * 1024;
    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};

    private ImageProbe() {
    }

    public static ImageHeader probe(Path file) throws ImageReadException {
        return probe(file, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    public static ImageHeader probe(Path file, long maxPixels) throws ImageReadException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            byte[] head = read(ch, 0, (int) Math.min(size, HEAD_BYTES));
            ImageFileType type = ImageDecoder.sniff(head, head.length, name);
            byte[] tail = read(ch, Math.max(0, size - PNG_IEND.length), (int) Math.min(size, PNG_IEND.length));
            ImageHeader header = switch (type) {
                case PNG -> {
                    if (size == head.length) {
                        yield PngStructure.parse(head, head.length, name).header();
                    }
                    ImageHeader h = PngStructure.readHeader(head, head.length, name);
                    if (!endsWith(tail, PNG_IEND)) {
                        byte[] all = whole(ch, size, name);
                        PngStructure.parse(all, all.length, name); // names the problem, or accepts trailing bytes
                    }
                    yield h;
                }
                case JPEG -> {
                    JpegStructure j;
                    if (size == head.length) {
                        j = JpegStructure.parse(head, head.length, name);
                    } else {
                        j = JpegStructure.readHeader(head, head.length, name);
                        boolean eoi = tail.length >= 2 && (tail[tail.length - 2] & 0xff) == 0xff
                                && (tail[tail.length - 1] & 0xff) == 0xd9;
                        if (j == null || !eoi) {
                            byte[] all = whole(ch, size, name);
                            j = JpegStructure.parse(all, all.length, name);
                        }
                    }
                    // an unsupported coding is as unusable as a corrupt file; say so before training
                    ImageDecoder.checkSupported(j, name);
                    yield j.header();
                }
                case BMP -> SimpleHeaders.bmp(head, head.length, size, name);
                case GIF -> {
                    ImageHeader h = SimpleHeaders.gif(head, head.length, name);
                    if (tail.length == 0 || tail[tail.length - 1] != 0x3b) {
                        // no trailer: let the decoder say whether it is truncated
                        yield ImageDecoder.decode(whole(ch, size, name), name, maxPixels).header();
                    }
                    yield h;
                }
                case TIFF -> ImageDecoder.decode(whole(ch, size, name), name, maxPixels).header();
            };
            return ImageDecoder.checkSize(header, name, maxPixels);
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(name, "cannot read the file (" + ImageDecoder.describe(e) + ")", e);
        }
    }

    private static byte[] whole(FileChannel ch, long size, String name) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new ImageReadException(name, "file of " + size + " bytes is too large to be an image we can read");
        }
        return read(ch, 0, (int) size);
    }

    private static byte[] read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                break;
            }
        }
        return buf.position() == length ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    private static boolean endsWith(byte[] tail, byte[] suffix) {
        if (tail.length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (tail[tail.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }
}
