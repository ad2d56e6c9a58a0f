package dev.vaeforge.runtime.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.vaeforge.fixtures.TensorBoardEvents.crc32c;
import static dev.vaeforge.fixtures.TensorBoardEvents.dbl;
import static dev.vaeforge.fixtures.TensorBoardEvents.decode;
import static dev.vaeforge.fixtures.TensorBoardEvents.packedDoubles;
import static dev.vaeforge.fixtures.TensorBoardEvents.readAll;
import static dev.vaeforge.fixtures.TensorBoardEvents.string;
import static dev.vaeforge.fixtures.TensorBoardEvents.summaryValue;

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
 * Reads the event files back with {@code dev.vaeforge.fixtures.TensorBoardEvents}, a reader written
 * from the format's description (TFRecord framing with a bitwise CRC-32C, protobuf wire format decoded
 * by hand), independent of the writer's generated classes. TensorBoard itself cannot be installed on our machines; files that pass this
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
}
