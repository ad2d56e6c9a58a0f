package dev.vaeforge.trainer.run;

import dev.vaeforge.trainer.train.StepProgress;
import dev.vaeforge.trainer.train.TrainListener;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process {@link ResumeAfterKillTest} kills: trains {@link Runs}' run into args[0], appends
 * "step lossBits" to args[2] after every step, and after step args[1] writes the file args[3] and
 * waits to be killed (so the kill always lands after that step and before the next checkpoint).
 */
public final class TrainChild {
    private TrainChild() {
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        long blockAt = Long.parseLong(args[1]);
        Path log = Path.of(args[2]);
        Path marker = Path.of(args[3]);
        try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
            TrainListener l = new TrainListener() {
                @Override
                public void onStep(StepProgress p) {
                    try {
                        out.write((p.globalStep() + " " + Integer.toHexString(Float.floatToIntBits((float) p.loss())) + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        if (p.globalStep() == blockAt) {
                            Files.writeString(marker, "step " + blockAt);
                            Thread.sleep(Long.MAX_VALUE);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            TrainingRun.run(Runs.config().build(), Runs.data(), run, false, l);
        }
        System.exit(3); // never reached when the parent kills us in time
    }
}
