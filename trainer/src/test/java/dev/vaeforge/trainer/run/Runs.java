package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.train.Squares;
import dev.vaeforge.trainer.train.StepProgress;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The small run the resume and NaN tests share: 100 16x16 squares (80 train = 5 batches of 16 per
 * epoch, 20 test), 3 epochs = 15 steps, a checkpoint every 2 batches as well as at epoch ends.
 */
final class Runs {
    static final int EPOCHS = 3;
    static final int STEPS = 15;

    private Runs() {
    }

    static TrainConfig.Builder config() {
        return Squares.config().optEpochs(EPOCHS).optCheckpointEvery(2).optKeepCheckpoints(2);
    }

    /**
     * A family's run over {@link #data()} with the shared schedule: {@link #EPOCHS} epochs of 5 batches
     * of 16, a checkpoint every 2 batches, the last 2 kept.
     */
    static TrainConfig config(ModelConfig model, double learningRate, long seed) {
        return TrainConfig.builder(model, "squares").optEpochs(EPOCHS).optBatchSize(16).optLearningRate(learningRate)
                .optSeed(seed).optKeepCheckpoints(2).optTestFraction(0.2).optCheckpointEvery(2).build();
    }

    static ArrayDataset data() {
        return Squares.dataset(100, 3);
    }

    /** Stands for the process dying: thrown by {@link #crashAfter}'s listener, caught by it. */
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Trains {@code config} into {@code dir} and "crashes" the run (an exception out of the listener)
     * once global step {@code step} has been reported, leaving the run directory as a killed process
     * would after that step; fails if the run ends some other way.
     */
    static void crashAfter(TrainConfig config, Path dir, long step) {
        TrainListener crash = new TrainListener() {
            @Override
            public void onStep(StepProgress p) {
                if (p.globalStep() == step) {
                    throw new Crash();
                }
            }
        };
        assertThrows(Crash.class, () -> TrainingRun.run(config, data(), dir, false, crash));
    }

    /** Records each step's loss by global step, and the warnings. */
    static final class Recorder implements TrainListener {
        final Map<Long, Float> losses = new TreeMap<>();
        final List<String> warnings = new ArrayList<>();
        final List<String> resumedFrom = new ArrayList<>();

        @Override
        public void onStep(StepProgress p) {
            losses.put(p.globalStep(), (float) p.loss());
        }

        @Override
        public void onWarning(String message) {
            warnings.add(message);
        }

        @Override
        public void onResume(String checkpoint, long step) {
            resumedFrom.add(checkpoint + "@" + step);
        }
    }

    static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path q = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Names in RUN/checkpoints, sorted. */
    static List<String> checkpointNames(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A dataset that returns NaN pixels for image {@code index} on the reads listed (1-based). */
    static final class FaultyDataset implements ImageDataset {
        private final ImageDataset base;
        private final int index;
        private final java.util.Set<Integer> badReads;
        private int reads;

        FaultyDataset(ImageDataset base, int index, java.util.Set<Integer> badReads) {
            this.base = base;
            this.index = index;
            this.badReads = badReads;
        }

        @Override
        public ImageShape shape() {
            return base.shape();
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public synchronized void read(int i, float[] dst, int offset) {
            base.read(i, dst, offset);
            if (i == index && badReads.contains(++reads)) {
                java.util.Arrays.fill(dst, offset, offset + shape().size(), Float.NaN);
            }
        }

        @Override
        public String description() {
            return base.description();
        }

        @Override
        public String fingerprint() {
            return base.fingerprint();
        }
    }
}
