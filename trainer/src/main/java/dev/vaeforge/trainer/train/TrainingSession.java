package dev.vaeforge.trainer.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.loss.ResumableState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model being trained: the DJL {@link Model} and {@link Trainer} ({@link ResumableAdam}, seeded
 * Xavier initialisation) and what a run needs from it: one guarded training step, a training epoch,
 * a test evaluation, and a {@link SessionSnapshot} of everything a step changes, to checkpoint and
 * to restore. Knows nothing about run directories, so tests can drive it directly.
 *
 * <p>Every step works in its own sub-manager that is closed at the end of the step, so native memory
 * stays flat however long the run is. Before each batch the engine is reseeded from (seed, epoch,
 * batch) ({@link StepNoise}), and before the optimiser touches anything the loss terms and every
 * gradient are checked for NaN and infinity ({@link StepGuard}, {@link NumericalFaultException}); a
 * refused step also puts back what the forward pass changed (batch-norm running statistics). What
 * differs between families (block, inputs, objective, logged terms, networks) comes from the
 * family's {@link Family} plug-in.
 */
public final class TrainingSession implements AutoCloseable {
    /** Batches read ahead of the one being computed. */
    static final int PREFETCH = 2;

    /** Suffix of the per-network extras that say whether the step updated that network. */
    public static final String UPDATED = "Updated";

    /** Called after every step with the batch's mean terms [total, recon, kl]. */
    @FunctionalInterface
    public interface StepCallback {
        void onStep(int step, int count, float[] batchMeans);
    }

    private static final NDIndex ALL = new NDIndex("...");

    private final TrainConfig config;
    private final Family<ModelConfig> family;
    private final ImageShape shape;
    private final Objective objective;
    private final Model model;
    private final Trainer trainer;
    private final ResumableAdam adam;
    private final StepGuard guard;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, String> nameById = new LinkedHashMap<>();
    private final List<ResumableState> familyStates = new ArrayList<>();
    /** For a family of several networks; null otherwise. */
    private final NetworkSteps networkSteps;

    /** Steps per epoch of the training set of the last {@link #trainBatches} call (for spans in epochs). */
    private int perEpoch = 1;
    private Map<String, Double> lastSchedule = Map.of();
    private Map<String, Double> lastExtras = Map.of();

    /**
     * Builds and initialises the model. Seeds the engine first, so the initial weights depend only on
     * {@code config.seed()}.
     */
    public TrainingSession(TrainConfig config, Device device) {
        this(config, device, FamilyRegistry.of(config.model()).objective(config.model()));
    }

    /** With a given objective instead of the family's, for tests of the loop's mechanics. */
    TrainingSession(TrainConfig config, Device device, Objective objective) {
        this.config = config;
        this.family = FamilyRegistry.of(config.model());
        this.shape = config.model().imageShape();
        this.objective = objective;
        this.guard = new StepGuard(family.id());
        this.adam = new ResumableAdam((float) config.learningRate());
        Model m = Model.newInstance(family.id(), device);
        try {
            m.setBlock(family.newBlock(config.model()));
            DefaultTrainingConfig tc = new DefaultTrainingConfig(new ObjectiveLoss(family.id(), objective))
                    .optOptimizer(adam)
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    .optDevices(new Device[] {device});
            this.trainer = m.newTrainer(tc);
            EngineSetup.seed(config.seed());
            trainer.initialize(family.inputShapes(config.model(), config.batchSize()));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.model = m;
        for (Pair<String, Parameter> p : m.getBlock().getParameters()) {
            byName.put(p.getKey(), p.getValue());
            nameById.put(p.getValue().getId(), p.getKey());
        }
        if (family.networks(config.model()).isEmpty()) {
            networkSteps = null;
        } else {
            Map<String, String> networkOf = new LinkedHashMap<>();
            Map<String, String> groups = new LinkedHashMap<>();
            byName.forEach((name, p) -> {
                String net = family.network(config.model(), name);
                networkOf.put(name, net);
                groups.put(p.getId(), net);
            });
            adam.partition(groups);
            networkSteps = new NetworkSteps(byName, networkOf, adam);
        }
        for (Object o : new Object[] {objective, m.getBlock()}) {
            if (o instanceof ResumableState s) {
                familyStates.add(s);
            }
        }
    }

    public Model model() {
        return model;
    }

    /** The scheduled loss weights ("beta", "capacity") of the last step; empty without a schedule. */
    public Map<String, Double> lastSchedule() {
        return lastSchedule;
    }

    /**
     * The family's further batch means of the last step (its terms besides the two logged as
     * reconstruction and KL) and, for a family of several networks, "&lt;network&gt;Updated" = 1 or 0;
     * empty for most families.
     */
    public Map<String, Double> lastExtras() {
        return lastExtras;
    }

    public TrainConfig config() {
        return config;
    }

    public ResumableAdam optimizer() {
        return adam;
    }

    /** Steps in one training epoch over {@code trainImages} images (the partial last batch is dropped). */
    public int stepsPerEpoch(int trainImages) {
        return BatchLoader.batchCount(trainImages, config.batchSize(), true);
    }

    /**
     * The batches of {@code epoch} in its seeded order, starting after the first {@code fromBatch}
     * batches (a resumed epoch). Close the loader.
     */
    public BatchLoader trainBatches(ImageDataset train, int epoch, int fromBatch) {
        int[] order = EpochOrder.shuffle(train.size(), config.seed(), epoch);
        int from = Math.min(order.length, fromBatch * config.batchSize());
        perEpoch = stepsPerEpoch(train.size());
        return new BatchLoader(train, family.conditions(config.model(), train),
                Arrays.copyOfRange(order, from, order.length), config.batchSize(), true, PREFETCH);
    }

    /**
     * One pass over {@code train} in the seeded order of {@code epoch}, one Adam step per full batch.
     * Scheduled loss weights follow the run's step count, (epoch - 1) * steps per epoch + the step
     * within the epoch: every epoch has the same number of steps, so it depends on nothing else.
     *
     * @throws NumericalFaultException at the first NaN or infinite loss term or gradient
     * @throws IllegalArgumentException if a conditional model's data lacks its conditions
     */
    public LossTotals trainEpoch(ImageDataset train, int epoch, StepCallback callback) {
        LossTotals totals = new LossTotals();
        long before = adam.updates();
        try (BatchLoader loader = trainBatches(train, epoch, 0)) {
            int batch = 0;
            for (BatchLoader.Batch b = loader.next(); b != null; b = loader.next()) {
                batch++;
                float[] means = step(b, epoch, batch, before + totals.steps() + 1);
                totals.schedule(lastSchedule);
                totals.add(b.count(), means);
                totals.addExtras(b.count(), lastExtras);
                callback.onStep(totals.steps(), b.count(), means);
            }
        }
        return totals;
    }

    /**
     * One training step on batch {@code batch} of {@code epoch}, refused before it changes anything
     * when a loss term or a gradient is not finite.
     *
     * @param step the global step number this will be, for messages
     * @return the batch means [total, reconstruction, kl]
     * @throws NumericalFaultException when a loss term or gradient is NaN or infinite; the weights,
     *     the optimiser state and the gradients are then as they were before the call
     */
    public float[] step(BatchLoader.Batch b, int epoch, int batch, long step) {
        EngineSetup.seedBatch(StepNoise.seed(config.seed(), epoch, batch));
        // scheduled loss weights depend only on how many steps came before this one
        Objective stepObjective = objective.atStep(step - 1, perEpoch);
        lastSchedule = stepObjective.scheduleValues();
        // the forward pass itself updates state that has no gradient (batch-norm running statistics):
        // keep a copy so a refused step can put it back
        Map<Parameter, float[]> forwardState = new LinkedHashMap<>();
        for (Parameter p : byName.values()) {
            if (!p.requiresGradient()) {
                forwardState.put(p, p.getArray().toFloatArray());
            }
        }
        try (NDManager sm = trainer.getManager().newSubManager()) {
            NDArray x = sm.create(b.pixels(), new Shape(shape.batchShape(b.count())));
            BatchTerms r;
            Set<String> update = Set.of();
            StepFault fault;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(inputs(sm, x, b));
                LossTerms t = stepObjective.compute(x, out);
                r = BatchTerms.read(t, family.loggedTerms(), true);
                fault = guard.lossFault(r.logged(), r.networks(), r.extras(), step, epoch, batch);
                if (fault == null) {
                    if (t.networks().isEmpty()) {
                        gc.backward(t.total());
                    } else {
                        Map<String, Float> terms = new LinkedHashMap<>(r.logged());
                        terms.putAll(r.extras());
                        update = stepObjective.networksToUpdate(t.networks().keySet(), terms);
                        networkSteps.backward(t.networks(), sm);
                    }
                }
            }
            if (fault == null) {
                fault = guard.gradientFault(byName, sm, step, epoch, batch);
            }
            if (fault != null) {
                NetworkSteps.zeroGradients(byName);
                forwardState.forEach((p, v) -> copyInto(p.getArray(), v, sm));
                throw new NumericalFaultException(fault, "non-finite value at " + fault.describe()
                        + "; the step was not applied (weights and optimiser state are those after step "
                        + (step - 1) + ")");
            }
            Map<String, Double> logged = new LinkedHashMap<>();
            r.extras().forEach((k, v) -> logged.put(k, (double) v));
            if (networkSteps == null) {
                trainer.step();
            } else {
                networkSteps.apply(update, trainer.getManager());
                for (String net : family.networks(config.model())) {
                    logged.put(net + UPDATED, update.contains(net) ? 1.0 : 0.0);
                }
            }
            lastExtras = Collections.unmodifiableMap(logged);
            return r.means();
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
     * every loss schedule at its final value ({@link Objective#atEnd}); also what the family measures on
     * held-out data ({@link Family#measure}: the KL per latent dimension, code usage).
     */
    public LossTotals evaluate(ImageDataset data) {
        LossTotals totals = new LossTotals();
        Objective scoring = objective.atEnd();
        try (BatchLoader loader = new BatchLoader(data, family.conditions(config.model(), data),
                EpochOrder.identity(data.size()), config.batchSize(), false, PREFETCH)) {
            int batch = 0;
            for (BatchLoader.Batch b = loader.next(); b != null; b = loader.next()) {
                // families that draw noise in inference (vaegan's prior samples) draw the same every time:
                // epoch 0 is no training epoch, so these streams are not any training batch's
                EngineSetup.seedBatch(StepNoise.seed(config.seed(), 0, ++batch));
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDArray x = step.create(b.pixels(), new Shape(shape.batchShape(b.count())));
                    LossTerms t = scoring.compute(x, trainer.evaluate(inputs(step, x, b)));
                    BatchTerms r = BatchTerms.read(t, family.loggedTerms(), false);
                    totals.add(b.count(), r.means());
                    Map<String, Double> extras = new LinkedHashMap<>();
                    r.extras().forEach((k, v) -> extras.put(k, (double) v));
                    totals.addExtras(b.count(), extras);
                    family.measure(config.model(), t, b.count(), totals);
                }
            }
        }
        return totals;
    }

    /**
     * The model's images of the first {@code count} images of {@code data} and of {@code count} prior
     * draws z ~ N(0, I) from {@code new Random(seed)}, in inference mode, for the training logs
     * ({@link EpochImages}).
     */
    public EpochImages images(ImageDataset data, int count, long seed) {
        int n = Math.min(count, data.size());
        try (BatchLoader loader = new BatchLoader(data, family.conditions(config.model(), data),
                EpochOrder.identity(data.size()), n, false, 1);
             NDManager m = trainer.getManager().newSubManager()) {
            BatchLoader.Batch b = loader.next();
            EngineSetup.seedBatch(StepNoise.seed(config.seed(), 0, 0));
            NDArray x = m.create(b.pixels(), new Shape(shape.batchShape(b.count())));
            NDList out = trainer.evaluate(inputs(m, x, b));
            float[] recon = family.reconstructions(config.model(), out, n).toFloatArray();
            NDArray mu = family.posteriorMeans(config.model(), out, n);
            float[] samples = null;
            int d = config.model().latentDim();
            if (d > 0) {
                java.util.Random r = new java.util.Random(seed);
                float[] z = new float[n * d];
                for (int i = 0; i < z.length; i++) {
                    z[i] = (float) r.nextGaussian();
                }
                NDArray decoded = family.decodePrior(config.model(), model.getBlock(), m.create(z, new Shape(n, d)));
                samples = decoded == null ? null : decoded.toFloatArray();
            }
            return new EpochImages(shape, n, b.pixels(), recon, samples, mu == null ? null : mu.toFloatArray());
        }
    }

    /** Everything the next step depends on, copied out of the engine. */
    public SessionSnapshot snapshot() {
        Map<String, float[]> weights = new LinkedHashMap<>();
        byName.forEach((name, p) -> weights.put(name, p.getArray().toFloatArray()));
        Map<String, JsonNode> family = new LinkedHashMap<>();
        for (ResumableState s : familyStates) {
            family.put(s.stateKey(), s.snapshotState());
        }
        return new SessionSnapshot(weights, adam.snapshot(nameById), family);
    }

    /**
     * Puts a snapshot back: weights copied into the live parameter arrays (the trainer keeps
     * references to them), gradients cleared, optimiser and family state replaced.
     *
     * @throws IllegalArgumentException if the snapshot belongs to a different model
     */
    public void restore(SessionSnapshot s) {
        if (!s.weights().keySet().equals(byName.keySet())) {
            throw new IllegalArgumentException("the saved weights name parameters " + s.weights().keySet()
                    + " but this model has " + byName.keySet());
        }
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            for (Map.Entry<String, Parameter> e : byName.entrySet()) {
                NDArray a = e.getValue().getArray();
                float[] v = s.weights().get(e.getKey());
                if (v.length != a.size()) {
                    throw new IllegalArgumentException("saved parameter '" + e.getKey() + "' has " + v.length
                            + " values but the model's has " + a.size() + " (" + a.getShape() + ")");
                }
                copyInto(a, v, scratch);
            }
        }
        NetworkSteps.zeroGradients(byName);
        adam.restore(s.optimizer(), byName);
        for (ResumableState st : familyStates) {
            JsonNode n = s.family().get(st.stateKey());
            if (n == null) {
                throw new IllegalArgumentException("the checkpoint holds no '" + st.stateKey() + "' state for family '"
                        + family.id() + "' (it has " + s.family().keySet() + ")");
            }
            st.restoreState(n);
        }
    }

    /**
     * Overwrites a live parameter array in place, bit for bit. An indexed assignment rather than
     * {@code NDArray.set(float[])}: both are exact, but the latter goes through a deprecated PyTorch
     * mode that prints a warning on every resume.
     */
    private static void copyInto(NDArray target, float[] values, NDManager scratch) {
        target.set(ALL, scratch.create(values, target.getShape()));
    }

    /** The model's parameters by their stable names (the names checkpoints use). */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(byName);
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

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TrainingSession[%s, lr %s]", family.id(), adam.learningRate());
    }
}
