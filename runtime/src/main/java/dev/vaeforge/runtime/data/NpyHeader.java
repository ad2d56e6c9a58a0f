package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0): magic {@code \x93NUMPY},
 * version, header length, then a Python dict literal with {@code descr}, {@code fortran_order} and
 * {@code shape}. The data follows at {@link #dataOffset()}. Reading checks that the file holds exactly
 * the data the header announces, so a header that lies about the shape is caught before anything is
 * read.
 *
 * @param descr        the dtype string, e.g. {@code |u1} or {@code <f4}
 * @param fortranOrder column-major data (not supported by the readers)
 * @param shape        the array's dimensions
 * @param dataOffset   where the data starts
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy itself refuses headers longer than this by default; we do too. */
    static final int MAX_HEADER_BYTES = 10_000;

    /** Number of elements (the product of the shape). */
    long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes per element of {@link #descr()}, or -1 when it is not a plain numeric type. */
    int itemSize() {
        String d = descr;
        if (d.length() < 2) {
            return -1;
        }
        char first = d.charAt(0);
        String rest = first == '<' || first == '>' || first == '|' || first == '=' ? d.substring(1) : d;
        if (rest.length() < 2 || "uifb".indexOf(rest.charAt(0)) < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(rest.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** e.g. "(60000, 28, 28)". */
    String shapeText() {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Reads and checks the header of an open file.
     *
     * @param name the file, for messages
     */
    static NpyHeader read(FileChannel ch, String name) throws IOException {
        return read((buf, position) -> readFully(ch, buf, position, name), ch.size(), name);
    }

    /**
     * Reads and checks the header at the start of a stream of {@code size} bytes (a zip entry's), reading
     * no more than the header: the same checks as for a file, the data's length against {@code size}.
     *
     * @param name the array, for messages
     */
    static NpyHeader read(java.io.InputStream in, long size, String name) throws IOException {
        byte[] prefix = in.readNBytes((int) Math.min(size, 12 + MAX_HEADER_BYTES));
        return read((buf, position) -> {
            if (position + buf.remaining() > prefix.length) {
                throw new DataFileException(name, "the stream ended while its header was read");
            }
            buf.put(prefix, (int) position, buf.remaining());
            buf.flip();
        }, size, name);
    }

    /** Fills a buffer from a position of the source, then flips it. */
    @FunctionalInterface
    private interface Source {
        void readFully(ByteBuffer buf, long position) throws IOException;
    }

    private static NpyHeader read(Source src, long size, String name) throws IOException {
        if (size < 10) {
            throw new DataFileException(name, size == 0 ? "empty file, not a NumPy .npy array"
                    : "not a NumPy .npy file (" + size + " bytes, shorter than any .npy header)");
        }
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, size)).order(ByteOrder.LITTLE_ENDIAN);
        src.readFully(pre, 0);
        byte[] magic = Arrays.copyOf(pre.array(), 6);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new DataFileException(name, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        long headerLength;
        int lengthEnd;
        if (major == 1) {
            headerLength = pre.getShort(8) & 0xffff;
            lengthEnd = 10;
        } else if ((major == 2 || major == 3) && size < 12) {
            throw new DataFileException(name, "truncated .npy file (" + size + " bytes, shorter than a version "
                    + major + " header)");
        } else if (major == 2 || major == 3) {
            headerLength = pre.getInt(8) & 0xffffffffL;
            lengthEnd = 12;
        } else {
            throw new DataFileException(name, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new DataFileException(name, ".npy header of " + headerLength + " bytes is longer than the "
                    + MAX_HEADER_BYTES + " bytes NumPy allows");
        }
        if (lengthEnd + headerLength > size) {
            throw new DataFileException(name, "truncated .npy file (the header needs " + (lengthEnd + headerLength)
                    + " bytes, the file has " + size + ")");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLength);
        src.readFully(hb, lengthEnd);
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new DictParser(text, name).parse();
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shape = dict.get("shape");
        if (!(descr instanceof String d)) {
            throw new DataFileException(name, descr == null ? ".npy header has no 'descr'"
                    : "unsupported dtype " + descr + " (structured arrays are not supported)");
        }
        if (!(fortran instanceof Boolean f)) {
            throw new DataFileException(name, ".npy header has no True/False 'fortran_order'");
        }
        if (!(shape instanceof long[] s)) {
            throw new DataFileException(name, ".npy header has no 'shape' tuple");
        }
        NpyHeader h = new NpyHeader(d, f, s, lengthEnd + headerLength);
        for (long dim : s) {
            if (dim < 0) {
                throw new DataFileException(name, ".npy header has a negative dimension in shape " + h.shapeText());
            }
        }
        int item = h.itemSize();
        if (item > 0) {
            long data;
            try {
                data = Math.multiplyExact(h.elements(), item);
            } catch (ArithmeticException e) {
                throw new DataFileException(name, ".npy header shape " + h.shapeText() + " is impossibly large");
            }
            long actual = size - h.dataOffset;
            if (actual != data) {
                throw new DataFileException(name, "the .npy header says shape " + h.shapeText() + " of " + d + " = "
                        + data + " data bytes, but the file holds " + actual + (actual < data ? " (truncated, or the"
                        + " header lies about the shape)" : " (extra bytes: the header lies about the shape)"));
            }
        }
        return h;
    }

    /** A version 1.0 header for a C-ordered array, padded with spaces so the data starts at a multiple of 64. */
    static byte[] encode(String descr, long[] shape) {
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
                + shapeText + ", }");
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        dict.append(" ".repeat(pad)).append('\n');
        byte[] body = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) body.length).put(body);
        return out.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String name) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new DataFileException(name, "the file ended while its header was read (changed meanwhile?)");
            }
        }
        buf.flip();
    }

    /** The Python literal subset NumPy writes: a dict of str keys to str, bool, int or tuple-of-int values. */
    private static final class DictParser {
        private final String s;
        private final String name;
        private int pos;

        DictParser(String s, String name) {
            this.s = s;
            this.name = name;
        }

        Map<String, Object> parse() throws DataFileException {
            Map<String, Object> out = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                out.put(key, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw bad("expected ',' or '}'");
                }
            }
            skipSpace();
            if (pos != s.length()) {
                throw bad("unexpected text after the dict");
            }
            return out;
        }

        private Object value() throws DataFileException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                pos++;
                List<Long> dims = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (peek() == ')') {
                        pos++;
                        break;
                    }
                    dims.add(integer());
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() != ')') {
                        throw bad("expected ',' or ')' in the shape");
                    }
                }
                return dims.stream().mapToLong(Long::longValue).toArray();
            }
            if (c == '[') {
                // a structured dtype: a list of fields; skip it, the caller rejects it
                int depth = 0;
                do {
                    char d = peek();
                    depth += d == '[' ? 1 : d == ']' ? -1 : 0;
                    pos++;
                } while (depth > 0);
                return new Object();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            return integer();
        }

        private long integer() throws DataFileException {
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || (pos == start && s.charAt(pos) == '-'))) {
                pos++;
            }
            if (start == pos || (pos == start + 1 && s.charAt(start) == '-')) {
                throw bad("expected a number");
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long literal
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw bad("number " + digits + " is too large");
            }
        }

        private String string() throws DataFileException {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw bad("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw bad("unterminated string");
            }
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private void expect(char c) throws DataFileException {
            if (peek() != c) {
                throw bad("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() throws DataFileException {
            if (pos >= s.length()) {
                throw bad("unexpected end of the header");
            }
            return s.charAt(pos);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private DataFileException bad(String what) {
            String shown = s.strip();
            if (shown.length() > 120) {
                shown = shown.substring(0, 120) + "...";
            }
            return new DataFileException(name, "malformed .npy header (" + what + " at character " + pos + " of "
                    + shown.replaceAll("[^\\x20-\\x7e]", "?") + ")");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "npy[%s, %s, fortran=%s, data at %d]", descr, shapeText(), fortranOrder,
                dataOffset);
    }
}
