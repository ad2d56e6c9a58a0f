package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.vaeforge.trainer.family.FamilyRegistry;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.vaegan.Discriminator;
import dev.vaeforge.trainer.vaegan.VaeGan;
import dev.vaeforge.trainer.vaegan.VaeGanLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VAE-GAN step: each network follows the gradient of its own loss only (three optimisers), the
 * discriminator's loss does no backward work beyond the discriminator, the equilibrium rule skips a network's update without touching its weights or its Adam state, and a few
 * epochs on tiny shapes improve the reconstruction.
 */
class VaeGanTrainingTest {
    private static final float LR = 1e-3f;

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    static TrainConfig config(VaeGanConfig model) {
        return TrainConfig.builder(model, "shapes:n=96,size=16").optEpochs(3).optBatchSize(16).optLearningRate(LR)
                .optSeed(5).optKeepCheckpoints(1).optTestFraction(0.25).build();
    }

    /**
     * Adam's first step moves every weight by -lr * sign(g) where |g| is not tiny. So after one session
     * step each weight must have moved against the sign of the gradient of its own network's loss,
     * computed here on a separate copy of the model: the encoder's by KL + feature reconstruction, the
     * decoder's by gamma * feature reconstruction + adversarial term, the discriminator's by its loss.
     * Summing the three losses instead (one optimiser) fails this for many weights, which the test also
     * checks so that it can fail.
     */
    @Test
    void eachNetworkFollowsItsOwnLoss() {
        VaeGanConfig model = TinyShapes.vaegan(false);
        TrainConfig c = config(model);
        ArrayDataset data = TinyShapes.dataset(64, 1);
        try (TrainingSession s = new TrainingSession(c, Device.cpu());
             Reference ref = new Reference(c)) {
            Map<String, float[]> before = new LinkedHashMap<>();
            s.parameters().forEach((k, p) -> before.put(k, p.getArray().toFloatArray()));
            ref.weights().forEach((k, v) -> assertArrayEquals(before.get(k), v, "same initialisation: " + k));
            BatchLoader.Batch b;
            try (BatchLoader l = s.trainBatches(data, 1, 0)) {
                b = l.next();
            }
            Map<String, Map<String, float[]>> own = new LinkedHashMap<>();
            for (String net : VaeGanLoss.NETWORKS) {
                own.put(net, ref.gradients(b, StepNoise.seed(c.seed(), 1, 1), net, false));
            }
            Map<String, float[]> summed = ref.gradients(b, StepNoise.seed(c.seed(), 1, 1), null, true);
            s.step(b, 1, 1, 1);
            int checked = 0;
            int summedDisagrees = 0;
            for (Map.Entry<String, Parameter> e : s.parameters().entrySet()) {
                if (!e.getValue().requiresGradient()) {
                    continue;
                }
                String name = e.getKey();
                String net = FamilyRegistry.of(model).network(model, name);
                float[] g = own.get(net).get(name);
                float[] sum = summed.get(name);
                float[] after = e.getValue().getArray().toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    if (Math.abs(g[i]) < 1e-4) {
                        continue;
                    }
                    float delta = after[i] - before.get(name)[i];
                    assertEquals(-Math.signum(g[i]), Math.signum(delta), name + "[" + i + "]: gradient " + g[i]
                            + " moved the weight by " + delta);
                    assertEquals(LR, Math.abs(delta), LR * 1e-2, name + "[" + i + "]");
                    checked++;
                    if (Math.signum(sum[i]) != Math.signum(g[i])) {
                        summedDisagrees++;
                    }
                }
            }
            assertTrue(checked > 1000, "checked " + checked + " weights");
            assertTrue(summedDisagrees > 50, "one optimiser on the summed loss would have moved " + summedDisagrees
                    + " of " + checked + " weights the other way");
            assertEquals(Map.of("encoder", 1, "decoder", 1, "discriminator", 1), s.optimizer().groupUpdates());
            assertEquals(1.0, s.lastExtras().get("discriminatorUpdated"));
        }
    }

    /**
     * The discriminator's loss is differentiated through a second discriminator pass on detached
     * images, so its gradient ends at the discriminator: the decoder and the encoder get none from it
     * (their backward work for it is not done), while the discriminator gets a gradient.
     */
    @Test
    void theDiscriminatorsLossStopsAtTheDiscriminator() {
        VaeGanConfig model = TinyShapes.vaegan(false);
        TrainConfig c = config(model);
        try (TrainingSession s = new TrainingSession(c, Device.cpu()); Reference ref = new Reference(c)) {
            BatchLoader.Batch b;
            try (BatchLoader l = s.trainBatches(TinyShapes.dataset(64, 1), 1, 0)) {
                b = l.next();
            }
            Map<String, float[]> g = ref.gradients(b, StepNoise.seed(c.seed(), 1, 1), "discriminator", false);
            int discriminatorNonZero = 0;
            for (Map.Entry<String, float[]> e : g.entrySet()) {
                boolean disc = FamilyRegistry.of(model).network(model, e.getKey()).equals("discriminator");
                float max = 0;
                for (float v : e.getValue()) {
                    max = Math.max(max, Math.abs(v));
                }
                if (disc) {
                    discriminatorNonZero += max > 0 ? 1 : 0;
                } else {
                    assertEquals(0f, max, "the discriminator's loss reached " + e.getKey());
                }
            }
            assertTrue(discriminatorNonZero > 4, "discriminator parameters with a gradient: " + discriminatorNonZero);
        }
    }

    /**
     * The second pass gives the logits of a training-mode forward pass bit for bit and leaves the
     * batch-norm running statistics alone (a normal training forward moves them).
     */
    @Test
    void theSecondDiscriminatorPassEqualsTheFirstAndKeepsTheStatistics() {
        VaeGanConfig model = TinyShapes.vaegan(false);
        try (Reference ref = new Reference(config(model)); NDManager m = ref.trainer.getManager().newSubManager()) {
            Discriminator d = ((VaeGan) ref.model.getBlock()).discriminator();
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomUniform(0, 1, new Shape(model.imageShape().batchShape(12)));
            Map<String, float[]> stats = runningStatistics(d);
            assertFalse(stats.isEmpty());
            float[] second = d.trainingLogitsLeavingStateAlone(ps, x, null).toFloatArray();
            runningStatistics(d).forEach((k, v) -> assertArrayEquals(stats.get(k), v, "left alone: " + k));
            float[] first = d.forward(ps, new NDList(x), true).get(0).toFloatArray();
            assertArrayEquals(first, second);
            runningStatistics(d).forEach((k, v) -> assertFalse(java.util.Arrays.equals(stats.get(k), v),
                    "a training forward pass moves " + k));
        }
    }

    private static Map<String, float[]> runningStatistics(Discriminator d) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : d.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        return out;
    }

    @Test
    void aNetworkTheEquilibriumRuleStopsKeepsItsWeightsAndAdamState() {
        VaeGanConfig model = TinyShapes.vaeganDiscriminatorFrozen();
        ArrayDataset data = TinyShapes.dataset(64, 1);
        try (TrainingSession s = new TrainingSession(config(model), Device.cpu())) {
            Map<String, float[]> before = new LinkedHashMap<>();
            s.parameters().forEach((k, p) -> before.put(k, p.getArray().toFloatArray()));
            LossTotals t = s.trainEpoch(data, 1, (step, n, m) -> { });
            assertEquals(0.0, t.meanExtras().get("discriminatorUpdated"));
            assertEquals(1.0, t.meanExtras().get("decoderUpdated"));
            s.parameters().forEach((k, p) -> {
                boolean disc = FamilyRegistry.of(model).network(model, k).equals("discriminator");
                boolean same = java.util.Arrays.equals(before.get(k), p.getArray().toFloatArray());
                if (disc && p.requiresGradient()) {
                    // (batch-norm running statistics follow every forward pass, as in PyTorch)
                    assertTrue(same, "the discriminator did not move: " + k);
                } else if (p.requiresGradient()) {
                    assertFalse(same, "trained: " + k);
                }
            });
            Map<String, Integer> counts = s.optimizer().groupUpdates();
            assertEquals(t.steps(), counts.get("encoder"));
            assertEquals(t.steps(), counts.get("decoder"));
            assertEquals(null, counts.get("discriminator"), "no Adam step for the discriminator: " + counts);
            assertTrue(s.snapshot().optimizer().slots().stream().noneMatch(sl -> sl.parameter().startsWith("03discriminator")));
        }
    }

    /**
     * The training epochs' mean pixel-space reconstruction (the decoder is trained through the
     * discriminator's features, so this is the observable that must improve) goes down over a few
     * epochs, and every logged term is finite.
     */
    @Test
    void aFewEpochsImproveThePixelReconstruction() {
        ArrayDataset data = TinyShapes.dataset(64, 2);
        try (TrainingSession s = new TrainingSession(config(TinyShapes.vaegan(true)), Device.cpu())) {
            LossTotals first = s.trainEpoch(data, 1, (step, n, m) -> { });
            LossTotals last = first;
            for (int epoch = 2; epoch <= 4; epoch++) {
                last = s.trainEpoch(data, epoch, (step, n, m) -> { });
            }
            double a = first.meanExtras().get("pixelRecon");
            double z = last.meanExtras().get("pixelRecon");
            assertTrue(z < 0.95 * a, "pixel reconstruction " + a + " -> " + z);
            LossTotals test = s.evaluate(data);
            assertEquals(4, test.meanKlPerDim().length);
            for (String e : VaeGanLoss.EXTRAS) {
                assertTrue(Double.isFinite(test.meanExtras().get(e)), e);
                assertTrue(Double.isFinite(last.meanExtras().get(e)), e);
            }
            assertEquals(s.evaluate(data).meanExtras(), test.meanExtras(), "evaluation draws the same prior samples");
        }
    }

    /** The same model as a session builds, with its own trainer, to compute reference gradients. */
    private static final class Reference implements AutoCloseable {
        final Model model;
        final Trainer trainer;
        final VaeGanLoss loss;
        final VaeGanConfig config;

        Reference(TrainConfig c) {
            config = (VaeGanConfig) c.model();
            model = Model.newInstance("vaegan", Device.cpu());
            model.setBlock(new VaeGan(config));
            trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT).optDevices(new Device[] {Device.cpu()}));
            EngineSetup.seed(c.seed());
            trainer.initialize(FamilyRegistry.of(config).inputShapes(config, c.batchSize()));
            loss = new VaeGanLoss(config);
        }

        Map<String, float[]> weights() {
            Map<String, float[]> w = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                w.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
            return w;
        }

        /** Gradients of one network's loss (or of the sum of all three) for every parameter, by name. */
        Map<String, float[]> gradients(BatchLoader.Batch b, int seed, String network, boolean sumAll) {
            Map<String, float[]> out = new LinkedHashMap<>();
            EngineSetup.seedBatch(seed);
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = m.create(b.pixels(), new Shape(config.imageShape().batchShape(b.count())));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList outList = trainer.forward(new NDList(x));
                    LossTerms t = loss.compute(x, outList);
                    NDArray target = sumAll
                            ? t.networks().get("encoder").add(t.networks().get("decoder")).add(t.networks().get("discriminator"))
                            : t.networks().get(network);
                    gc.backward(target);
                }
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        NDArray g = p.getValue().getArray().getGradient();
                        g.attach(m);
                        out.put(p.getKey(), g.toFloatArray());
                        g.subi(g);
                    }
                }
            }
            return out;
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }
}
