package dev.vaeforge.cli;

import static dev.vaeforge.fixtures.TensorBoardEvents.decode;
import static dev.vaeforge.fixtures.TensorBoardEvents.flt;
import static dev.vaeforge.fixtures.TensorBoardEvents.readAll;
import static dev.vaeforge.fixtures.TensorBoardEvents.step;
import static dev.vaeforge.fixtures.TensorBoardEvents.string;
import static dev.vaeforge.fixtures.TensorBoardEvents.summaryValue;
import static dev.vaeforge.fixtures.TensorBoardEvents.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.TensorBoardEvents;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vaeforge train writes TensorBoard event files into RUN/tensorboard/, read back here with the
 * independent reader of the fixtures (framing, both CRCs, protobuf decoded by hand). TensorBoard
 * itself cannot be installed on our machines; files that pass this follow its documented format, so
 * {@code tensorboard --logdir RUN} reads them where it is installed.
 */
class TensorBoardCliTest {
    @TempDir
    Path tmp;

    /** tag -> (step, float value) of every scalar event, in file order. */
    private static Map<String, List<long[]>> scalars(List<Map<Integer, List<Object>>> events) {
        Map<String, List<long[]>> out = new LinkedHashMap<>();
        for (Map<Integer, List<Object>> e : events) {
            String tag = tag(e);
            Map<Integer, List<Object>> v = tag == null ? null : summaryValue(e);
            if (v != null && v.containsKey(2)) {
                out.computeIfAbsent(tag, k -> new ArrayList<>()).add(new long[] {step(e),
                        Float.floatToRawIntBits(flt(v, 2))});
            }
        }
        return out;
    }

    @Test
    void trainWritesScalarsImagesHistogramsAndConfigThatContinueWithoutDuplicatesAfterAResume() throws IOException {
        Path run = tmp.resolve("run");
        CliRun t = CliRun.of("train", "--data", "shapes:n=48,size=16", "--epochs", "2", "--batch-size", "8",
                "--latent-dim", "3", "--widths", "8", "--checkpoint-every", "2", "--out", run.toString());
        assertEquals(0, t.exitCode(), t.toString());
        Path tb = run.resolve("tensorboard");
        List<Map<Integer, List<Object>>> events = readAll(tb);
        assertEquals("brain.Event:2", string(events.get(0), 3));
        Map<String, List<long[]>> straight = scalars(events);
        for (String tag : List.of("step/loss", "step/reconstruction", "step/kl", "step/learningRate",
                "epoch/train/loss", "epoch/train/kl", "epoch/test/loss", "epoch/test/reconstruction",
                "epoch/imagesPerSecond")) {
            assertTrue(straight.containsKey(tag), tag + " in " + straight.keySet());
        }
        List<long[]> loss = straight.get("step/loss");
        assertEquals(10, loss.size()); // 43 training images, batches of 8: 5 steps per epoch
        for (int i = 0; i < loss.size(); i++) {
            assertEquals(i + 1, loss.get(i)[0]);
        }
        // epoch scalars are metrics.csv's numbers at the epoch's last step
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        List<long[]> trainLoss = straight.get("epoch/train/loss");
        assertEquals(List.of(5L, 10L), trainLoss.stream().map(s -> s[0]).toList());
        assertEquals((float) Double.parseDouble(csv.get(2).split(",")[2]), Float.intBitsToFloat((int) trainLoss.get(1)[1]));

        int images = 0;
        int histograms = 0;
        boolean config = false;
        for (Map<Integer, List<Object>> e : events) {
            String tag = tag(e);
            if (tag == null) {
                continue;
            }
            Map<Integer, List<Object>> v = summaryValue(e);
            if (v.containsKey(4)) {
                Map<Integer, List<Object>> img = decode((byte[]) v.get(4).get(0));
                BufferedImage png = ImageIO.read(new ByteArrayInputStream((byte[]) img.get(4).get(0)));
                assertNotNull(png, tag + " is a PNG");
                assertEquals((long) png.getHeight(), img.get(1).get(0));
                assertEquals((long) png.getWidth(), img.get(2).get(0));
                assertTrue(tag.equals("images/reconstructions") || tag.equals("images/priorSamples"), tag);
                images++;
            }
            if (v.containsKey(5)) {
                assertTrue(tag.equals("latent/klPerDim") || tag.equals("latent/posteriorMean"), tag);
                histograms++;
            }
            if (tag.equals("config")) {
                String text = new String((byte[]) decode((byte[]) v.get(8).get(0)).get(8).get(0),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(text.contains("\"formatVersion\" : 2") && text.contains("\"dataSelection\""), text);
                config = true;
            }
        }
        assertEquals(4, images, "reconstructions and prior samples, each of 2 epochs");
        assertEquals(4, histograms, "KL per dimension and posterior means, each of 2 epochs");
        assertTrue(config);

        // a kill during epoch 2 after the checkpoint at step 9 left logs up to step 10; the resume drops them
        Files.delete(run.resolve("summary.json"));
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().equals("epoch-0002")) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
        CliRun r = CliRun.of("train", "--resume", run.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(2, TensorBoardEvents.eventFiles(tb).size());
        List<Map<Integer, List<Object>>> resumed = readAll(tb);
        Map<String, List<long[]>> again = scalars(resumed);
        for (Map.Entry<String, List<long[]>> e : again.entrySet()) {
            long last = -1;
            for (long[] s : e.getValue()) {
                assertTrue(s[0] > last, e.getKey() + ": step " + s[0] + " after " + last);
                last = s[0];
            }
        }
        // the same steps and, resume being exact, the same losses; timing differs
        for (String tag : List.of("step/loss", "step/kl", "epoch/train/loss", "epoch/test/loss")) {
            assertEquals(straight.get(tag).stream().map(s -> s[0] + ":" + s[1]).toList(),
                    again.get(tag).stream().map(s -> s[0] + ":" + s[1]).toList(), tag);
        }
        assertEquals(1, resumed.stream().filter(e -> "config".equals(tag(e))).count());
        assertEquals(4, resumed.stream().filter(e -> "images/reconstructions".equals(tag(e))
                || "images/priorSamples".equals(tag(e))).count());
    }

    @Test
    void noTensorboardWritesNone() {
        Path run = tmp.resolve("quiet");
        CliRun t = CliRun.of("train", "--data", "shapes:n=24,size=16", "--epochs", "1", "--batch-size", "8",
                "--latent-dim", "2", "--widths", "8", "--no-tensorboard", "--out", run.toString());
        assertEquals(0, t.exitCode(), t.toString());
        assertFalse(Files.exists(run.resolve("tensorboard")));
    }
}
