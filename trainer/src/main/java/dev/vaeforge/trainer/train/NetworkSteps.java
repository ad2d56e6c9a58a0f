package dev.vaeforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The step of a family of several networks trained against each other (each parameter belongs to one
 * network, each network has its own loss and its own Adam state): differentiates each network's loss
 * into its own parameters only, then applies the updates of the networks the objective chose.
 */
final class NetworkSteps {
    private static final NDIndex ALL = new NDIndex("...");

    private final Map<String, Parameter> byName;
    /** parameter name -> its network */
    private final Map<String, String> networkOf;
    private final ResumableAdam adam;

    NetworkSteps(Map<String, Parameter> byName, Map<String, String> networkOf, ResumableAdam adam) {
        this.byName = byName;
        this.networkOf = networkOf;
        this.adam = adam;
    }

    /**
     * Backward of loss i (keeping the graph for the next), copy out the gradients of network i's
     * parameters, clear all gradients; at the end put the copies back. Nothing is applied yet, so the
     * guard can still refuse the step and no loss sees weights another network's update changed (which
     * PyTorch would reject as an in-place modification).
     */
    void backward(Map<String, NDArray> losses, NDManager sm) {
        Map<Parameter, NDArray> kept = new LinkedHashMap<>();
        int left = losses.size();
        for (Map.Entry<String, NDArray> e : losses.entrySet()) {
            left--;
            PtNDArray loss = (PtNDArray) e.getValue();
            JniUtils.backward(loss, (PtNDArray) loss.onesLike(), left > 0, false);
            if (left == 0) {
                break; // the last network's gradients stay where backward left them
            }
            for (Map.Entry<String, Parameter> p : byName.entrySet()) {
                Parameter param = p.getValue();
                if (param.requiresGradient() && e.getKey().equals(networkOf.get(p.getKey())) && param.getArray().hasGradient()) {
                    NDArray g = param.getArray().getGradient();
                    g.attach(sm);
                    kept.put(param, g.duplicate());
                }
            }
            zeroGradients(byName);
        }
        String last = null;
        for (String k : losses.keySet()) {
            last = k;
        }
        for (Map.Entry<String, Parameter> p : byName.entrySet()) {
            Parameter param = p.getValue();
            if (!param.requiresGradient() || last.equals(networkOf.get(p.getKey()))) {
                continue;
            }
            NDArray g = param.getArray().getGradient();
            g.attach(sm);
            NDArray saved = kept.get(param);
            if (saved == null) {
                g.set(ALL, g.zerosLike()); // a network without a loss of its own gets no update
            } else {
                g.set(ALL, saved);
            }
        }
    }

    /** Adam steps for the parameters of the networks in {@code update}; the others' gradients are cleared. */
    void apply(Set<String> update, NDManager parent) {
        try (NDManager scratch = parent.newSubManager()) {
            for (Map.Entry<String, Parameter> p : byName.entrySet()) {
                Parameter param = p.getValue();
                if (!param.requiresGradient()) {
                    continue;
                }
                NDArray w = param.getArray();
                NDArray g = w.getGradient();
                g.attach(scratch);
                if (update.contains(networkOf.get(p.getKey()))) {
                    adam.update(param.getId(), w, g);
                } else if (w instanceof PtNDArray a) {
                    JniUtils.zeroGrad(a);
                }
            }
        }
    }

    /** Forgets the gradients of a refused step (the next backward would add to them). */
    static void zeroGradients(Map<String, Parameter> parameters) {
        for (Parameter p : parameters.values()) {
            if (p.requiresGradient() && p.getArray().hasGradient() && p.getArray() instanceof PtNDArray a) {
                JniUtils.zeroGrad(a);
            }
        }
    }
}
