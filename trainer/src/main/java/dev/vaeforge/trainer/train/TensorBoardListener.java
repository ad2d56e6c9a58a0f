package dev.vaeforge.trainer.train;

import dev.vaeforge.runtime.image.ImageGrid;
import dev.vaeforge.runtime.tensorboard.EventFileWriter;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's TensorBoard logs into {@code RUN/tensorboard/} ({@code tensorboard --logdir RUN}):
 * <ul>
 *   <li>per step: {@code step/<name>} for every scalar of {@link TrainListener#onStepScalars} (loss, the
 *       family's named terms, learning rate, scheduled weights, a GAN's balance flags);</li>
 *   <li>per epoch, at the epoch's last step: {@code epoch/train/<term>}, {@code epoch/test/<term>}
 *       (loss and the two logged terms), {@code epoch/imagesPerSecond}, the scheduled weights, and the
 *       family's epoch columns (codebook perplexity and codes used, a GAN's extras);</li>
 *   <li>per epoch, images: {@code images/reconstructions} (the first {@value #IMAGES} held-out images
 *       above their reconstructions) and {@code images/priorSamples} (decoded from z ~ N(0, I) drawn
 *       with the run's seed, the same draws every epoch), where the family can decode a bare latent;</li>
 *   <li>per epoch, histograms: {@code latent/klPerDim} (the test split's KL of each latent dimension)
 *       and {@code latent/posteriorMean} (the posterior means of the same held-out images), for
 *       families with a Gaussian latent vector;</li>
 *   <li>once, at step 0: {@code config}, the run's config.json as text.</li>
 * </ul>
 * A resumed run ({@link #onResume}) first drops the events after the checkpoint's step from the
 * existing files, so no step is logged twice; every event is flushed as it is written, so a live
 * TensorBoard follows the run and a killed run leaves whole records.
 */
public final class TensorBoardListener implements TrainListener, AutoCloseable {
    /** The folder in the run directory. */
    public static final String DIRECTORY = "tensorboard";
    /** Held-out images and prior samples shown per epoch. */
    public static final int IMAGES = 8;

    private final Path runDir;
    private final Path dir;
    private final TrainConfig config;
    private final Family<?> family;
    private final boolean resuming;
    private long resumeStep;
    private EventFileWriter writer;

    /**
     * @param runDir the run directory (its config.json is logged as text)
     * @param resuming whether the run is being resumed: its existing logs are cut back to the
     *     checkpoint's step (to step 0 when it restarts without a checkpoint)
     */
    public TensorBoardListener(Path runDir, TrainConfig config, boolean resuming) {
        this.runDir = runDir;
        this.dir = runDir.resolve(DIRECTORY);
        this.config = config;
        this.family = FamilyRegistry.of(config.model());
        this.resuming = resuming;
    }

    @Override
    public void onResume(String checkpoint, long step) {
        resumeStep = step;
    }

    @Override
    public void onStart(TrainingPlan plan) {
        boolean fresh;
        try {
            fresh = EventFileWriter.eventFiles(dir).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list TensorBoard event files (" + e.getMessage() + ")", e);
        }
        writer = EventFileWriter.open(dir, resuming ? resumeStep : -1);
        if (fresh || !resuming) {
            writer.text("config", 0, "```json\n" + readConfig() + "\n```");
        }
        writer.flush();
    }

    private String readConfig() {
        try {
            return Files.readString(runDir.resolve("config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(runDir + ": cannot read config.json for the TensorBoard log ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void onStepScalars(long globalStep, Map<String, Double> scalars) {
        scalars.forEach((name, v) -> writer.scalar("step/" + name, globalStep, v));
        writer.flush();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        long step = m.step();
        List<String> terms = family.loggedTerms();
        writer.scalar("epoch/train/loss", step, m.trainLoss());
        writer.scalar("epoch/train/" + terms.get(0), step, m.trainRecon());
        writer.scalar("epoch/train/" + terms.get(1), step, m.trainKl());
        writer.scalar("epoch/test/loss", step, m.testLoss());
        writer.scalar("epoch/test/" + terms.get(0), step, m.testRecon());
        writer.scalar("epoch/test/" + terms.get(1), step, m.testKl());
        writer.scalar("epoch/imagesPerSecond", step, m.imagesPerSecond());
        if (m.beta() != null) {
            writer.scalar("epoch/beta", step, m.beta());
        }
        if (m.capacity() != null) {
            writer.scalar("epoch/capacity", step, m.capacity());
        }
        if (m.perplexity() != null) {
            writer.scalar("epoch/perplexity", step, m.perplexity());
            writer.scalar("epoch/codesUsed", step, m.codesUsed());
        }
        if (m.extras() != null) {
            m.extras().forEach((name, v) -> writer.scalar("epoch/" + name, step, v));
        }
        if (m.klPerDim() != null) {
            writer.histogram("latent/klPerDim", step, m.klPerDim().stream().mapToDouble(Double::doubleValue).toArray());
        }
        writer.flush();
    }

    @Override
    public void onEpochImages(EpochMetrics m, EpochView view) {
        long step = m.step();
        EpochImages images = view.images(IMAGES, config.seed());
        int n = images.count();
        writer.image("images/reconstructions", step, ImageGrid.comparison(images.originals(), images.reconstructions(),
                images.shape(), n, n, 2));
        if (images.samples() != null) {
            writer.image("images/priorSamples", step, ImageGrid.of(images.samples(), images.shape(), n, n, 2));
        }
        if (images.posteriorMeans() != null) {
            float[] mu = images.posteriorMeans();
            double[] values = new double[mu.length];
            for (int i = 0; i < mu.length; i++) {
                values[i] = mu[i];
            }
            writer.histogram("latent/posteriorMean", step, values);
        }
        writer.flush();
    }

    @Override
    public void onEnd(TrainingSummary summary) {
        close();
    }

    /** Closes the event file; safe to call twice and before the start. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }
}
