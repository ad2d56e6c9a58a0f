package dev.vaeforge.trainer.train;

import dev.vaeforge.runtime.VaeforgeException;

/**
 * A NaN or infinity found in a loss term, a gradient or the weights. Thrown before the optimiser
 * step, so the weights and the optimiser state are still those of the last good step.
 */
public final class NumericalFaultException extends VaeforgeException {
    private static final long serialVersionUID = 1L;

    private final transient StepFault fault;

    public NumericalFaultException(StepFault fault, String message) {
        super(Code.TRAINING, message);
        this.fault = fault;
    }

    /** The fault, or null when the weights themselves were found non-finite. */
    public StepFault fault() {
        return fault;
    }
}
