package dev.vaeforge.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One MNIST-format IDX file, plain or gzipped (told apart by content, not name): a magic number (two
 * zero bytes, a type byte, the number of dimensions), the dimensions as big-endian 32-bit integers, then
 * the data. Only unsigned-byte data is supported (what MNIST, Fashion-MNIST, KMNIST and EMNIST use).
 * Every problem is a {@link DataFileException} naming the file.
 */
final class IdxFile {
    static final int UNSIGNED_BYTE = 0x08;

    /** The header: type byte, dimensions, and where the data starts (4 + 4 x dims). */
    record Header(int type, long[] dims) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        int headerBytes() {
            return 4 + 4 * dims.length;
        }
    }

    private final Path file;
    private final boolean gzip;
    private final Header header;

    private IdxFile(Path file, boolean gzip, Header header) {
        this.file = file;
        this.gzip = gzip;
        this.header = header;
    }

    Path file() {
        return file;
    }

    boolean gzip() {
        return gzip;
    }

    Header header() {
        return header;
    }

    String name() {
        return file.toString();
    }

    /**
     * Opens {@code file} and checks its header: unsigned bytes, {@code dims} dimensions, each in range.
     * A plain file's size must match the header exactly; a gzipped one is checked while it is read.
     *
     * @param what "images" or "labels", for messages
     */
    static IdxFile open(Path file, int dims, String what) throws IOException {
        String name = file.toString();
        boolean gzip;
        try (InputStream raw = Files.newInputStream(file)) {
            int b0 = raw.read();
            int b1 = raw.read();
            gzip = b0 == 0x1f && b1 == 0x8b;
        }
        Header h;
        try (InputStream in = stream(file, gzip)) {
            h = readHeader(in, name, dims, what, gzip);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw readError(name, gzip, e);
        }
        if (!gzip) {
            long size = Files.size(file);
            long expected = h.headerBytes() + h.elements();
            if (size != expected) {
                throw new DataFileException(name, sizeMismatch(h, what, size - h.headerBytes()));
            }
        }
        return new IdxFile(file, gzip, h);
    }

    /** A stream of the data after the header (decompressed for gzip files). */
    InputStream data() throws IOException {
        InputStream in = stream(file, gzip);
        long skip = header.headerBytes();
        while (skip > 0) {
            long n = in.skip(skip);
            if (n <= 0) {
                in.close();
                throw new DataFileException(name(), "truncated header");
            }
            skip -= n;
        }
        return in;
    }

    /**
     * Reads exactly {@code buf.length} bytes, turning gzip and end-of-file problems into messages that say
     * how far the data got.
     *
     * @param before bytes of data read before this call, for the message
     */
    void readFully(InputStream in, byte[] buf, long before, String what) throws DataFileException {
        int off = 0;
        try {
            while (off < buf.length) {
                int n = in.read(buf, off, buf.length - off);
                if (n < 0) {
                    throw new DataFileException(name(), sizeMismatch(header, what, before + off));
                }
                off += n;
            }
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw readError(name(), gzip, e);
        }
    }

    /** After the data: anything more is an error (the header understates the size). */
    void expectEnd(InputStream in, String what) throws DataFileException {
        try {
            byte[] more = new byte[4096];
            long extra = 0;
            for (int n = in.read(more); n >= 0; n = in.read(more)) {
                extra += n;
            }
            if (extra > 0) {
                throw new DataFileException(name(), sizeMismatch(header, what, header.elements() + extra));
            }
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw readError(name(), gzip, e);
        }
    }

    private static InputStream stream(Path file, boolean gzip) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (!gzip) {
            return raw;
        }
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    private static Header readHeader(InputStream in, String name, int dims, String what, boolean gzip)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DataFileException(name, magic.length == 0 && !gzip ? "empty file, not an IDX file"
                    : "truncated IDX file (" + magic.length + " bytes, shorter than the 4-byte magic number)");
        }
        int m = ((magic[0] & 0xff) << 24) | ((magic[1] & 0xff) << 16) | ((magic[2] & 0xff) << 8) | (magic[3] & 0xff);
        int expected = (UNSIGNED_BYTE << 8) | dims;
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFileException(name, String.format(Locale.ROOT, "not an IDX file: wrong magic number 0x%08X"
                    + " (IDX %s files start with 0x%08X)", m, what, expected));
        }
        int type = magic[2] & 0xff;
        int n = magic[3] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new DataFileException(name, String.format(Locale.ROOT, "wrong magic number 0x%08X: unsupported"
                    + " IDX data type 0x%02X (%s); only unsigned byte (0x08) is supported", m, type, typeName(type)));
        }
        if (n != dims) {
            throw new DataFileException(name, String.format(Locale.ROOT, "wrong magic number 0x%08X: %d"
                    + " dimension(s) where IDX %s have %d (expected 0x%08X)", m, n, what, dims, expected));
        }
        byte[] d = in.readNBytes(4 * dims);
        if (d.length < 4 * dims) {
            throw new DataFileException(name, "truncated IDX header (" + (4 + d.length) + " of " + (4 + 4 * dims)
                    + " bytes)");
        }
        long[] sizes = new long[dims];
        for (int i = 0; i < dims; i++) {
            sizes[i] = ((d[4 * i] & 0xffL) << 24) | ((d[4 * i + 1] & 0xff) << 16) | ((d[4 * i + 2] & 0xff) << 8)
                    | (d[4 * i + 3] & 0xff);
        }
        if (sizes[0] < 1 || sizes[0] > Integer.MAX_VALUE) {
            throw new DataFileException(name, "IDX header announces " + sizes[0] + " items; expected 1 to "
                    + Integer.MAX_VALUE);
        }
        for (int i = 1; i < dims; i++) {
            if (sizes[i] < 1 || sizes[i] > 1 << 15) {
                throw new DataFileException(name, "IDX header announces images of " + sizes[1] + "x" + sizes[2]
                        + "; expected 1 to 32768 pixels a side");
            }
        }
        return new Header(type, sizes);
    }

    private static String sizeMismatch(Header h, String what, long dataBytes) {
        String shape = h.dims.length == 3 ? h.dims[0] + " images of " + h.dims[1] + "x" + h.dims[2]
                : h.dims[0] + " " + what;
        long want = h.elements();
        return "size does not match the header: it announces " + shape + " = " + want + " data bytes after the "
                + h.headerBytes() + "-byte header, but the file " + (dataBytes < want ? "ends after " + dataBytes
                + " (truncated)" : "holds " + dataBytes + " (extra data)");
    }

    private static DataFileException readError(String name, boolean gzip, IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (gzip && (e instanceof ZipException || e instanceof EOFException)) {
            return new DataFileException(name, "corrupt or truncated gzip data (" + m + ")", e);
        }
        return new DataFileException(name, "cannot read the file (" + m + ")", e);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> "not an IDX type";
        };
    }
}
