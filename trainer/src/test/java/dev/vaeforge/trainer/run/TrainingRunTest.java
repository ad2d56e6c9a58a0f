package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.BadFile;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.SplitSizes;
import dev.vaeforge.runtime.data.Splits;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.ProgressBar;
import dev.vaeforge.trainer.train.Squares;
import dev.vaeforge.trainer.train.StepProgress;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import dev.vaeforge.trainer.train.TrainingSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @TempDir
    Path tmp;

    @Test
    void writesACompleteRunDirectory() throws Exception {
        ArrayDataset data = Squares.dataset(100, 3);
        TrainConfig cfg = Squares.config().optEpochs(3).optKeepCheckpoints(1).build();
        Path run = tmp.resolve("run");
        List<StepProgress> steps = new ArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainListener recorder = new TrainListener() {
            @Override
            public void onStep(StepProgress p) {
                steps.add(p);
            }
        };
        TrainingSummary summary = TrainingRun.run(cfg, data, run, false, recorder,
                new ProgressBar(new PrintStream(log, true, StandardCharsets.UTF_8), false));

        // 100 images, 20 held out, 80 / 16 = 5 steps per epoch
        assertEquals(15, steps.size());
        assertEquals(15, summary.steps());
        assertEquals(15, steps.get(14).globalStep());
        assertTrue(Files.isRegularFile(run.resolve("config.json")));
        assertTrue(Files.isRegularFile(run.resolve("summary.json")));
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(4, csv.size());
        // the base columns first, then the KL of each of the 4 latent dimensions
        assertEquals(String.join(",", EpochMetrics.COLUMNS) + ",klDim0,klDim1,klDim2,klDim3", csv.get(0));
        assertEquals(csv.get(0).split(",").length, csv.get(3).split(",").length);
        assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size());
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("epoch-0003"), names.toString());
            assertTrue(names.stream().allMatch(n -> n.startsWith("epoch-")), "left-overs: " + names);
            assertTrue(names.size() <= 2, names.toString());
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch 3: train "), text);
        assertTrue(text.contains("done: 3 epochs, 15 steps"), text);

        RunDirectory rd = RunDirectory.open(run);
        assertEquals(cfg, rd.config());
        assertEquals(3, rd.metrics().size());
        assertEquals(3, rd.latestCheckpoint().epoch());
        EpochMetrics best = rd.metrics().stream().min((a, b) -> Double.compare(a.testLoss(), b.testLoss())).get();
        assertEquals(best.epoch(), rd.bestCheckpoint().epoch());
        assertEquals(summary.bestEpoch(), best.epoch());
        assertTrue(rd.metrics().get(2).testLoss() < rd.metrics().get(0).testLoss(), rd.metrics().toString());
        assertEquals(data.fingerprint(), rd.datasetFingerprint());
        assertEquals(80, rd.dataset().trainImages());
        assertEquals(rd.summary().orElseThrow(), summary);
        assertEquals(data.fingerprint(), rd.provenance().get("datasetFingerprint"));
        assertEquals("0.35.1", rd.provenance().get("env.djl"));
        assertEquals(cfg, Json.parse(rd.provenance().get("trainingConfig"), TrainConfig.class, "provenance"));
    }

    @Test
    void refusesAnExistingRunUnlessOverwriting() throws Exception {
        ArrayDataset data = Squares.dataset(40, 4);
        TrainConfig cfg = Squares.config().optEpochs(1).build();
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("notes.txt"), "mine");
        TrainingRun.run(cfg, data, run, false);
        InvalidRunException e = assertThrows(InvalidRunException.class, () -> TrainingRun.run(cfg, data, run, false));
        assertEquals(run + " already holds a training run (config.json exists); choose another run directory or"
                + " pass --overwrite to replace it", e.getMessage());
        TrainingRun.run(Squares.config().optEpochs(1).optSeed(99).build(), data, run, true);
        assertEquals(99, RunDirectory.open(run).config().seed());
        assertEquals("mine", Files.readString(run.resolve("notes.txt")));
    }

    @Test
    void rejectsDataThatDoesNotFitTheModel() {
        ArrayDataset data = Squares.dataset(10, 5);
        TrainConfig cfg = Squares.config().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.run(cfg, data, tmp.resolve("r"), false));
        assertEquals("the training split has 8 images, fewer than one batch of 16; use a smaller batch size or more"
                + " data", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void separatePartsRecordTheirSplitAndListSkippedItems() throws Exception {
        ArrayDataset squares = Squares.dataset(60, 6);
        List<BadFile> bad = List.of(new BadFile("img/7.png", "truncated\tPNG"), new BadFile("img/9.png", "not an image"));
        ImageDataset all = new ImageDataset() {
            @Override
            public ImageShape shape() {
                return squares.shape();
            }

            @Override
            public int size() {
                return squares.size();
            }

            @Override
            public void read(int index, float[] dst, int offset) {
                squares.read(index, dst, offset);
            }

            @Override
            public String description() {
                return "squares with skips";
            }

            @Override
            public String fingerprint() {
                return squares.fingerprint();
            }

            @Override
            public List<BadFile> skipped() {
                return bad;
            }
        };
        SplitSizes sizes = new SplitSizes(0.1, 0.2, 0);
        Subset train = Splits.part(all, Split.TRAIN, sizes);
        Subset valid = Splits.part(all, Split.VALID, sizes);
        TrainConfig cfg = Squares.config().optEpochs(1).build();
        Path run = tmp.resolve("run");
        TrainingRun.run(cfg, DatasetInfo.of("squares", all, train, valid, sizes.describe() + "; tested on valid"), train,
                valid, run, false);
        assertEquals("img/7.png\ttruncated PNG\nimg/9.png\tnot an image\n", Files.readString(run.resolve("skipped.tsv")));
        RunDirectory rd = RunDirectory.open(run);
        assertEquals(2, rd.dataset().skipped());
        assertEquals(42, rd.dataset().trainImages());
        assertEquals(6, rd.dataset().testImages());
        assertEquals("seeded split: 20% test, 10% valid, seed 0; tested on valid", rd.dataset().split());

        TrainingRun.run(cfg, squares, run, true);
        assertFalse(Files.exists(run.resolve("skipped.tsv")), "an overwritten run does not keep the old list");
    }
}
