package dev.vaeforge.trainer.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;

/**
 * A model being trained: the DJL {@link Model} and {@link Trainer} (Adam with a fixed learning rate,
 * seeded Xavier initialisation) and the two passes the run needs, a training epoch and a test
 * evaluation. Knows nothing about run directories, so tests can drive it directly.
 *
 * <p>Every step works in its own sub-manager that is closed at the end of the step, so native memory
 * stays flat however long the run is.
 */
public final class TrainingSession implements AutoCloseable {
    /** Batches read ahead of the one being computed. */
    static final int PREFETCH = 2;

    /** Called after every step with the batch's mean terms [total, recon, kl]. */
    @FunctionalInterface
    public interface StepCallback {
        void onStep(int step, int count, float[] batchMeans);
    }

    private final TrainConfig config;
    private final ImageShape shape;
    private final Objective objective;
    private final Model model;
    private final Trainer trainer;

    /**
     * Builds and initialises the model. Seeds the engine first, so the initial weights and the
     * sequence of reparameterisation noise depend only on {@code config.seed()}.
     */
    public TrainingSession(TrainConfig config, Device device) {
        this.config = config;
        this.shape = config.model().imageShape();
        this.objective = Families.objective(config.model());
        Model m = Model.newInstance(config.model().family().id(), device);
        try {
            m.setBlock(Families.newBlock(config.model()));
            DefaultTrainingConfig tc = new DefaultTrainingConfig(new ObjectiveLoss(config.model().family().id(), objective))
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                            .build())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    .optDevices(new Device[] {device});
            this.trainer = m.newTrainer(tc);
            EngineSetup.seed(config.seed());
            trainer.initialize(Families.inputShapes(config.model(), config.batchSize()));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.model = m;
    }

    public Model model() {
        return model;
    }

    /** Steps in one training epoch over {@code trainImages} images (the partial last batch is dropped). */
    public int stepsPerEpoch(int trainImages) {
        return BatchLoader.batchCount(trainImages, config.batchSize(), true);
    }

    /**
     * One pass over {@code train} in the seeded order of {@code epoch}, one Adam step per full batch.
     * Scheduled loss weights follow the run's step count, (epoch - 1) * steps per epoch + the step
     * within the epoch: every epoch has the same number of steps, so it depends on nothing else.
     *
     * @throws IllegalStateException if the loss stops being finite (the run has diverged)
     * @throws IllegalArgumentException if a conditional model's data lacks its conditions
     */
    public LossTotals trainEpoch(ImageDataset train, int epoch, StepCallback callback) {
        int[] order = EpochOrder.shuffle(train.size(), config.seed(), epoch);
        LossTotals totals = new LossTotals();
        int perEpoch = stepsPerEpoch(train.size());
        long first = (long) (epoch - 1) * perEpoch;
        try (BatchLoader loader = new BatchLoader(train, Families.conditions(config.model(), train), order,
                config.batchSize(), true, PREFETCH)) {
            for (BatchLoader.Batch b = loader.next(); b != null; b = loader.next()) {
                Objective stepObjective = objective.atStep(first + totals.steps(), perEpoch);
                float[] means = trainStep(b, stepObjective);
                totals.schedule(stepObjective.scheduleValues());
                if (!Float.isFinite(means[0])) {
                    throw new IllegalStateException("loss became " + means[0] + " at epoch " + epoch + " step "
                            + (totals.steps() + 1) + "; the run diverged, try a learning rate below "
                            + config.learningRate());
                }
                totals.add(b.count(), means);
                callback.onStep(totals.steps(), b.count(), means);
            }
        }
        return totals;
    }

    private float[] trainStep(BatchLoader.Batch b, Objective stepObjective) {
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray x = step.create(b.pixels(), new Shape(shape.batchShape(b.count())));
            LossTerms t;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(inputs(step, x, b));
                t = stepObjective.compute(x, out);
                gc.backward(t.total());
            }
            trainer.step();
            return NDArrays.stack(new NDList(t.total(), t.reconstruction(), t.kl())).toFloatArray();
        }
    }

    /** The images, and for a conditional model their conditions y[N, A], as the block's inputs. */
    private static NDList inputs(NDManager m, NDArray x, BatchLoader.Batch b) {
        NDList in = new NDList(x);
        if (b.conditions() != null) {
            in.add(m.create(b.conditions(), new Shape(b.count(), b.conditions().length / b.count())));
        }
        return in;
    }

    /**
     * The loss over all of {@code data} in inference mode: z = mu, batch norm with running statistics,
     * every loss schedule at its final value ({@link Objective#atEnd}); also the KL per latent dimension.
     */
    public LossTotals evaluate(ImageDataset data) {
        LossTotals totals = new LossTotals();
        Objective scoring = objective.atEnd();
        try (BatchLoader loader = new BatchLoader(data, Families.conditions(config.model(), data),
                EpochOrder.identity(data.size()), config.batchSize(), false, PREFETCH)) {
            for (BatchLoader.Batch b = loader.next(); b != null; b = loader.next()) {
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDArray x = step.create(b.pixels(), new Shape(shape.batchShape(b.count())));
                    LossTerms t = scoring.compute(x, trainer.evaluate(inputs(step, x, b)));
                    totals.add(b.count(), NDArrays.stack(new NDList(t.total(), t.reconstruction(), t.kl()))
                            .toFloatArray());
                    if (t.klPerDim() != null) {
                        totals.addKlPerDim(b.count(), t.klPerDim().toFloatArray());
                    }
                }
            }
        }
        return totals;
    }

    /** Arrays currently held by the model's manager tree; flat across steps when nothing leaks. */
    int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    @Override
    public void close() {
        try {
            trainer.close();
        } finally {
            model.close();
        }
    }
}
