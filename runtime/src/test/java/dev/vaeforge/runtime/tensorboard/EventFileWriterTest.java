package dev.vaeforge.runtime.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.image.FloatImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the event files back with a reader written here from the format's description (TFRecord
 * framing with a bitwise CRC-32C, protobuf wire format decoded by hand), independent of the writer's
 * generated classes. TensorBoard itself cannot be installed on our machines; files that pass this
 * test follow its documented format.
 */
class EventFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfSummaryReadsBackFramedCheckedAndInStepOrder() throws IOException {
        float[] px = new float[3 * 4 * 5];
        for (int i = 0; i < px.length; i++) {
            px[i] = i / (float) px.length;
        }
        try (EventFileWriter w = EventFileWriter.open(dir.resolve("tb"), -1)) {
            w.scalar("train/loss", 1, 2.5);
            w.scalar("train/loss", 2, 1.25);
            w.histogram("klPerDim", 2, new double[] {0, 1, 1, 3});
            w.image("samples", 2, new FloatImage(3, 4, 5, px));
            w.text("config", 0, "| a | b |");
            w.flush();
        }
        List<Map<Integer, List<Object>>> events = readAll(dir.resolve("tb"));
        assertEquals(6, events.size());
        assertEquals("brain.Event:2", string(events.get(0), 3));
        Map<Integer, List<Object>> first = summaryValue(events.get(1));
        assertEquals("train/loss", string(first, 1));
        assertEquals(2.5f, Float.intBitsToFloat((int) (long) (Long) first.get(2).get(0)));
        assertEquals(1L, events.get(1).get(2).get(0));
        assertEquals(2L, events.get(2).get(2).get(0));

        Map<Integer, List<Object>> histo = decode((byte[]) summaryValue(events.get(3)).get(5).get(0));
        assertEquals(0.0, dbl(histo, 1));
        assertEquals(3.0, dbl(histo, 2));
        assertEquals(4.0, dbl(histo, 3));
        assertEquals(5.0, dbl(histo, 4));
        assertEquals(11.0, dbl(histo, 5));
        double[] counts = packedDoubles((byte[]) histo.get(7).get(0));
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        assertEquals(4.0, total);
        double[] limits = packedDoubles((byte[]) histo.get(6).get(0));
        assertEquals(3.0, limits[limits.length - 1]);

        Map<Integer, List<Object>> image = decode((byte[]) summaryValue(events.get(4)).get(4).get(0));
        assertEquals(4L, image.get(1).get(0));
        assertEquals(5L, image.get(2).get(0));
        assertEquals(3L, image.get(3).get(0));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream((byte[]) image.get(4).get(0)));
        assertNotNull(png, "the image summary holds a decodable PNG");
        assertEquals(5, png.getWidth());
        assertEquals(4, png.getHeight());

        Map<Integer, List<Object>> text = summaryValue(events.get(5));
        Map<Integer, List<Object>> meta = decode((byte[]) text.get(9).get(0));
        assertEquals("text", string(decode((byte[]) meta.get(1).get(0)), 1));
        Map<Integer, List<Object>> tensor = decode((byte[]) text.get(8).get(0));
        assertEquals(7L, tensor.get(1).get(0), "dtype DT_STRING");
        assertEquals("| a | b |", new String((byte[]) tensor.get(8).get(0), StandardCharsets.UTF_8));
    }

    @Test
    void resumingDropsTheStepsAfterTheCheckpointAndACutShortRecord() throws IOException {
        Path tb = dir.resolve("tb");
        Path first;
        try (EventFileWriter w = EventFileWriter.open(tb, -1)) {
            for (int s = 1; s <= 5; s++) {
                w.scalar("loss", s, s);
            }
            first = w.file();
        }
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.setLength(f.length() - 3); // a kill -9 in the middle of the last record
        }
        try (EventFileWriter w = EventFileWriter.open(tb, 3)) {
            w.scalar("loss", 4, 40);
            w.scalar("loss", 5, 50);
        }
        List<Long> steps = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        for (Map<Integer, List<Object>> e : readAll(tb)) {
            if (e.containsKey(5)) {
                steps.add((Long) e.get(2).get(0));
                values.add(Float.intBitsToFloat((int) (long) (Long) summaryValue(e).get(2).get(0)));
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), steps, "each step once, in order");
        assertEquals(List.of(1f, 2f, 3f, 40f, 50f), values);
    }

    @Test
    void aDamagedRecordIsAnErrorNamingTheFile() throws IOException {
        Path file;
        try (EventFileWriter w = EventFileWriter.open(dir, -1)) {
            w.scalar("loss", 1, 1);
            file = w.file();
        }
        byte[] b = Files.readAllBytes(file);
        b[b.length - 6] ^= 0x55;
        Files.write(file, b);
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> EventFileWriter.open(dir, 0).close());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
    }

    @Test
    void maskedCrcMatchesTheReferenceValue() {
        // CRC-32C("123456789") = 0xE3069283 (RFC 3720 check value); masked as TensorFlow does
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        int crc = crc32c(check, 0, check.length);
        assertEquals(0xE3069283, crc);
        assertEquals(((crc >>> 15) | (crc << 17)) + 0xa282ead8, TfRecords.maskedCrc(check, 0, check.length));
    }

    // ---- an independent reader ----

    private static List<Map<Integer, List<Object>>> readAll(Path dir) throws IOException {
        List<Map<Integer, List<Object>>> out = new ArrayList<>();
        for (Path f : EventFileWriter.eventFiles(dir)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() > 0) {
                byte[] len = new byte[8];
                b.get(len);
                long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertEquals(mask(crc32c(len, 0, 8)), b.getInt(), "length CRC");
                byte[] data = new byte[(int) n];
                b.get(data);
                assertEquals(mask(crc32c(data, 0, data.length)), b.getInt(), "data CRC");
                out.add(decode(data));
            }
        }
        return out;
    }

    private static Map<Integer, List<Object>> summaryValue(Map<Integer, List<Object>> event) {
        Map<Integer, List<Object>> summary = decode((byte[]) event.get(5).get(0));
        return decode((byte[]) summary.get(1).get(0));
    }

    /** A double field; proto3 leaves a 0 out of the wire. */
    private static double dbl(Map<Integer, List<Object>> m, int field) {
        return m.containsKey(field) ? Double.longBitsToDouble((Long) m.get(field).get(0)) : 0.0;
    }

    private static String string(Map<Integer, List<Object>> m, int field) {
        return new String((byte[]) m.get(field).get(0), StandardCharsets.UTF_8);
    }

    /** Protobuf wire format: field number -> values (varint and fixed as Long, length-delimited as byte[]). */
    private static Map<Integer, List<Object>> decode(byte[] data) {
        Map<Integer, List<Object>> m = new LinkedHashMap<>();
        int[] pos = {0};
        while (pos[0] < data.length) {
            long key = varint(data, pos);
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            Object v = switch (type) {
                case 0 -> varint(data, pos);
                case 1 -> {
                    long x = ByteBuffer.wrap(data, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    pos[0] += 8;
                    yield x;
                }
                case 2 -> {
                    int n = (int) varint(data, pos);
                    byte[] x = java.util.Arrays.copyOfRange(data, pos[0], pos[0] + n);
                    pos[0] += n;
                    yield x;
                }
                case 5 -> {
                    long x = ByteBuffer.wrap(data, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
                    pos[0] += 4;
                    yield x;
                }
                default -> throw new AssertionError("wire type " + type);
            };
            m.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static long varint(byte[] data, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = data[pos[0]++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    private static double[] packedDoubles(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.length / 8];
        for (int i = 0; i < d.length; i++) {
            d[i] = bb.getDouble();
        }
        return d;
    }

    private static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** Bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). */
    private static int crc32c(byte[] b, int off, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return ~crc;
    }
}
