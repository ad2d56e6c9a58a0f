package dev.vaeforge.runtime.tensorboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: each record is its length (uint64,
 * little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
 */
public final class TfRecords {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecords() {
    }

    /** TensorFlow's masked CRC-32C: rotate right by 15 bits, add a constant. */
    public static int maskedCrc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    /** Writes one record around {@code data}. */
    public static void write(OutputStream out, byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length);
        header.putInt(maskedCrc(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(maskedCrc(data, 0, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
    }

    /**
     * The next record's data, or null at a clean end of the stream or at a record cut short (a writer
     * killed mid-record leaves one; it and anything after it are not events).
     *
     * @throws IOException if a checksum does not match: the file is damaged, not merely cut short
     */
    public static byte[] read(InputStream in, String file) throws IOException {
        byte[] header = in.readNBytes(12);
        if (header.length < 12) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong();
        int lengthCrc = h.getInt();
        if (lengthCrc != maskedCrc(header, 0, 8)) {
            throw new IOException(file + ": TFRecord length checksum mismatch; the event file is damaged");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 16) {
            throw new IOException(file + ": TFRecord length " + length + " is out of range");
        }
        byte[] data = in.readNBytes((int) length);
        byte[] footer = in.readNBytes(4);
        if (data.length < length || footer.length < 4) {
            return null;
        }
        if (ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc(data, 0, data.length)) {
            throw new IOException(file + ": TFRecord data checksum mismatch; the event file is damaged");
        }
        return data;
    }
}
