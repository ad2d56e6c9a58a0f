package dev.vaeforge.runtime.bundle;

import dev.vaeforge.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Golden tensors as NumPy {@code .npy} files (format 1.0, little-endian float32 {@code <f4} or int64
 * {@code <i8}, C order), so anyone can {@code numpy.load} them. Reading accepts exactly what
 * {@link #write} produces and checks that the data is as long as the header says.
 */
public final class NpyArrays {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern HEADER = Pattern.compile(
            "\\{'descr': '(<f4|<i8)', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), \\}\\s*");

    private NpyArrays() {
    }

    /** The .npy bytes of {@code t}. */
    public static byte[] write(Tensor t) {
        long[] shape = t.shape();
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i > 0 ? ", " : "").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        String dict = "{'descr': '" + (t.floats() != null ? "<f4" : "<i8") + "', 'fortran_order': False, 'shape': ("
                + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int count = t.floats() != null ? t.floats().length : t.longs().length;
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + count * (t.floats() != null ? 4 : 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        if (t.floats() != null) {
            b.asFloatBuffer().put(t.floats());
        } else {
            b.asLongBuffer().put(t.longs());
        }
        return b.array();
    }

    /** The tensor in {@code bytes}; {@code source} names the file in messages. */
    public static Tensor read(byte[] bytes, String source) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC) || bytes[6] != 1 || bytes[7] != 0) {
            throw new IllegalArgumentException(source + ": not a NumPy .npy file of format 1.0");
        }
        int headerLength = Short.toUnsignedInt(b.getShort(8));
        if (10 + headerLength > bytes.length) {
            throw new IllegalArgumentException(source + ": .npy header runs past the end of the file");
        }
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            throw new IllegalArgumentException(source + ": .npy header " + header.strip()
                    + " is not a C-order <f4 or <i8 array");
        }
        String[] parts = m.group(2).replace(" ", "").split(",");
        long[] shape = Arrays.stream(parts).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        boolean floats = m.group(1).equals("<f4");
        long expected = 10L + headerLength + count * (floats ? 4 : 8);
        if (expected != bytes.length) {
            throw new IllegalArgumentException(source + ": .npy data is " + (bytes.length - 10 - headerLength)
                    + " bytes, its header " + Arrays.toString(shape) + " " + m.group(1) + " says " + (expected - 10 - headerLength));
        }
        b.position(10 + headerLength);
        if (floats) {
            float[] f = new float[Math.toIntExact(count)];
            b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return Tensor.of(f, shape);
        }
        long[] l = new long[Math.toIntExact(count)];
        b.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
        return Tensor.of(l, shape);
    }
}
