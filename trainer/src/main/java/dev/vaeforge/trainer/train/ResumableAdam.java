package dev.vaeforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam whose state can be read and restored: DJL's {@code Adam} keeps its moments and step counts
 * in private fields (decision 0008). The arithmetic is DJL's, call for call: the same step count
 * rule, the same bias correction in double precision, and the engine's fused {@code adamUpdate}
 * kernel with the same arguments (which also zeroes the gradient), so a run gives bit-identical
 * weights to one trained with {@code Optimizer.adam()}; {@code ResumableAdamTest} checks that.
 *
 * <p>State is held per parameter id (what DJL's parameter server passes in) and exported by
 * parameter name, because ids are random per process while names are stable.
 *
 * <p>For a family of several networks with one optimiser each (vaegan), {@link #partition} puts every
 * parameter into its network's group: a group's bias correction then counts that group's own updates,
 * exactly as separate Adam instances would, so a network whose update is skipped (the equilibrium rule)
 * does not see its step count advance. Without a partition this is one Adam over all parameters.
 */
public final class ResumableAdam extends Optimizer {
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPSILON = 1e-8f;

    private final float beta1 = BETA1;
    private final float beta2 = BETA2;
    private final float epsilon = EPSILON;
    private volatile float learningRate;
    private final Map<String, Slot> slots = new HashMap<>();
    private int numUpdate;
    /** parameter id -> group; empty: one group (DJL's Adam). */
    private final Map<String, String> groupOf = new HashMap<>();
    /** group -> its updates so far (the t of its bias correction). */
    private final Map<String, Integer> groupUpdates = new HashMap<>();

    /** One parameter's moments and how many updates it has had. */
    private static final class Slot {
        NDArray mean;
        NDArray variance;
        int count;

        Slot(NDArray mean, NDArray variance, int count) {
            this.mean = mean;
            this.variance = variance;
            this.count = count;
        }
    }

    /** The moments of one parameter, by name, as plain arrays (a checkpoint's content). */
    public record SlotState(String parameter, int count, long[] shape, float[] mean, float[] variance) {
    }

    /** Everything Adam carries from one step to the next. */
    public record State(float learningRate, int numUpdate, List<SlotState> slots) {
        public State {
            slots = List.copyOf(slots);
        }
    }

    public ResumableAdam(float learningRate) {
        super(new Builder());
        setLearningRate(learningRate);
    }

    public float learningRate() {
        return learningRate;
    }

    public void setLearningRate(float lr) {
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        this.learningRate = lr;
    }

    /** Updates so far (DJL's numUpdate: the largest per-parameter count). */
    public int updates() {
        return numUpdate;
    }

    /**
     * Splits the parameters into groups that behave as separate Adam optimisers (same learning rate):
     * separate moments, and each group's own step count in the bias correction.
     *
     * @param groups parameter id -> group name, for every parameter this optimiser will update
     */
    public void partition(Map<String, String> groups) {
        if (!slots.isEmpty()) {
            throw new IllegalStateException("partition Adam before its first update");
        }
        groupOf.clear();
        groupOf.putAll(groups);
        groupUpdates.clear();
    }

    /** The updates each group has had (empty without a partition). */
    public Map<String, Integer> groupUpdates() {
        return Map.copyOf(groupUpdates);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        Slot s = slots.computeIfAbsent(parameterId, k -> new Slot(weight.zerosLike(), weight.zerosLike(), 0));
        s.count++;
        numUpdate = Math.max(numUpdate, s.count);
        int t = numUpdate;
        if (!groupOf.isEmpty()) {
            String g = group(parameterId);
            t = groupUpdates.merge(g, s.count, Math::max);
        }
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lr = learningRate;
        float biasCorrection = (float) (lr * Math.sqrt(coef2) / coef1);
        NDList inputs = new NDList(weight, grad, s.mean, s.variance);
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, biasCorrection, getWeightDecay(),
                rescaleGrad, clipGrad, beta1, beta2, epsilon, true, false);
    }

    /**
     * The state as plain arrays.
     *
     * @param names parameter id -> stable name
     */
    public State snapshot(Map<String, String> names) {
        List<SlotState> out = new ArrayList<>();
        Map<String, Slot> ordered = new LinkedHashMap<>();
        names.keySet().forEach(id -> {
            if (slots.containsKey(id)) {
                ordered.put(id, slots.get(id));
            }
        });
        if (ordered.size() != slots.size()) {
            throw new IllegalStateException("Adam holds state for " + slots.size() + " parameters but only "
                    + ordered.size() + " have names");
        }
        ordered.forEach((id, s) -> out.add(new SlotState(names.get(id), s.count, s.mean.getShape().getShape(),
                s.mean.toFloatArray(), s.variance.toFloatArray())));
        return new State(learningRate, numUpdate, out);
    }

    /**
     * Replaces the state with {@code state}; the moments are created beside each parameter's array.
     *
     * @param byName the model's parameters by their stable names
     * @throws IllegalArgumentException if a slot names an unknown parameter or has the wrong shape
     */
    public void restore(State state, Map<String, Parameter> byName) {
        Map<String, Slot> fresh = new HashMap<>();
        for (SlotState s : state.slots()) {
            Parameter p = byName.get(s.parameter());
            if (p == null) {
                throw new IllegalArgumentException("optimizer state names parameter '" + s.parameter()
                        + "', which this model does not have");
            }
            NDArray w = p.getArray();
            Shape shape = new Shape(s.shape());
            if (!shape.equals(w.getShape()) || s.mean().length != w.size() || s.variance().length != w.size()) {
                throw new IllegalArgumentException("optimizer state of parameter '" + s.parameter() + "' has shape "
                        + shape + " but the parameter has " + w.getShape());
            }
            fresh.put(p.getId(), new Slot(w.getManager().create(s.mean(), shape), w.getManager().create(s.variance(), shape),
                    s.count()));
        }
        clear();
        slots.putAll(fresh);
        numUpdate = state.numUpdate();
        groupUpdates.clear();
        if (!groupOf.isEmpty()) {
            // every parameter of a group is updated together, so the group's count is its slots' count
            fresh.forEach((id, slot) -> groupUpdates.merge(group(id), slot.count, Math::max));
        }
        setLearningRate(state.learningRate());
    }

    private String group(String parameterId) {
        String g = groupOf.get(parameterId);
        if (g == null) {
            throw new IllegalStateException("parameter " + parameterId + " is in no group of the partition " + groupOf.values());
        }
        return g;
    }

    private void clear() {
        for (Slot s : slots.values()) {
            s.mean.close();
            s.variance.close();
        }
        slots.clear();
    }

    /** DJL's builder defaults: no gradient rescaling or clipping, no weight decay. */
    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
