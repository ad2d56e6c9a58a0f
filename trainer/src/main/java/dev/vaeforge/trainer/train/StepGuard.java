package dev.vaeforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The NaN guard of a training step: finds the first non-finite loss term or gradient, so that the step
 * can be refused before the optimiser touches anything. Names the term that went bad, not the sum it
 * spoiled.
 */
final class StepGuard {
    private final String family;

    StepGuard(String family) {
        this.family = family;
    }

    /**
     * The first non-finite value of a step's losses, in the order: the two logged terms, the total, each
     * network's loss, the family's further terms; null when all are finite.
     *
     * @param logged the reconstruction and KL-column terms by name, then "total"
     */
    StepFault lossFault(Map<String, Float> logged, Map<String, Float> networkLosses, Map<String, Float> extras,
                        long step, int epoch, int batch) {
        StepFault f = named(logged, "loss term ", step, epoch, batch);
        if (f == null) {
            f = named(networkLosses, "loss of the ", step, epoch, batch);
        }
        if (f == null) {
            f = named(extras, "logged term ", step, epoch, batch);
        }
        return f;
    }

    /** The first parameter whose gradient holds a NaN or an infinity (max |g| is not finite); null otherwise. */
    StepFault gradientFault(Map<String, Parameter> parameters, NDManager sm, long step, int epoch, int batch) {
        List<String> names = new ArrayList<>();
        NDList peaks = new NDList();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!e.getValue().requiresGradient()) {
                continue;
            }
            NDArray g = e.getValue().getArray().getGradient();
            g.attach(sm);
            names.add(e.getKey());
            peaks.add(g.abs().max());
        }
        if (peaks.isEmpty()) {
            return null;
        }
        float[] max = NDArrays.stack(peaks).toFloatArray();
        for (int i = 0; i < max.length; i++) {
            if (!Float.isFinite(max[i])) {
                return new StepFault(step, epoch, batch, family, "the loss terms were finite but the gradient of"
                        + " parameter '" + names.get(i) + "'", Float.toString(max[i]));
            }
        }
        return null;
    }

    private StepFault named(Map<String, Float> values, String what, long step, int epoch, int batch) {
        for (Map.Entry<String, Float> e : values.entrySet()) {
            if (!Float.isFinite(e.getValue())) {
                return new StepFault(step, epoch, batch, family, what + "'" + e.getKey() + "'", Float.toString(e.getValue()));
            }
        }
        return null;
    }
}
