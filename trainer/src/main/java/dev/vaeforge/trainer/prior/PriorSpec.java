package dev.vaeforge.trainer.prior;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vaeforge.runtime.VaeforgeException;
import java.util.List;

/**
 * Which prior p(z) a Gaussian-latent model is trained against: the fixed {@code standard} normal, a
 * learned {@code vamp} prior (Tomczak and Welling 2018), p(z) = (1/K) sum_k q(z|u_k) with K learned
 * pseudo-inputs u_k pushed through the model's own encoder, or a learned {@code flow} prior: RealNVP
 * affine coupling layers f (Dinh et al. 2017, {@link CouplingFlow}), log p(z) = log N(f(z); 0, I) +
 * log |det df/dz|.
 *
 * @param kind       "standard", "vamp" or "flow"
 * @param components K, the VampPrior's pseudo-inputs (0 for the other priors)
 * @param flowSteps  the flow's coupling layers (0 for the other priors)
 * @param flowHidden the width of each coupling layer's two hidden layers (0 for the other priors)
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record PriorSpec(String kind, int components, int flowSteps, int flowHidden) {
    public static final String STANDARD_KIND = "standard";
    public static final String VAMP = "vamp";
    public static final String FLOW = "flow";
    /** What the options accept, in help order. */
    public static final List<String> KINDS = List.of(STANDARD_KIND, VAMP, FLOW);
    /** The VampPrior paper's K. */
    public static final int DEFAULT_COMPONENTS = 500;
    public static final int MAX_COMPONENTS = 10_000;
    public static final int DEFAULT_FLOW_STEPS = 4;
    public static final int MAX_FLOW_STEPS = 64;
    public static final int DEFAULT_FLOW_HIDDEN = 64;
    public static final int MAX_FLOW_HIDDEN = 4096;
    public static final PriorSpec STANDARD = new PriorSpec(STANDARD_KIND, 0, 0, 0);

    public PriorSpec {
        if (kind == null) {
            kind = STANDARD_KIND;
        }
        if (!KINDS.contains(kind)) {
            throw VaeforgeException.badParameter("prior: unknown prior '" + kind + "', expected one of "
                    + String.join(", ", KINDS), "prior");
        }
        if (!kind.equals(VAMP)) {
            components = 0;
        } else if (components < 1 || components > MAX_COMPONENTS) {
            throw VaeforgeException.badParameter("prior-components must be in 1.." + MAX_COMPONENTS + ", got "
                    + components, "prior-components");
        }
        if (!kind.equals(FLOW)) {
            flowSteps = 0;
            flowHidden = 0;
        } else {
            if (flowSteps < 1 || flowSteps > MAX_FLOW_STEPS) {
                throw VaeforgeException.badParameter("prior-flow-steps must be in 1.." + MAX_FLOW_STEPS + ", got "
                        + flowSteps, "prior-flow-steps");
            }
            if (flowHidden < 1 || flowHidden > MAX_FLOW_HIDDEN) {
                throw VaeforgeException.badParameter("prior-hidden must be in 1.." + MAX_FLOW_HIDDEN + ", got "
                        + flowHidden, "prior-hidden");
            }
        }
    }

    /** The prior named by the options: {@code kind} with {@code components} pseudo-inputs where it has them. */
    public static PriorSpec of(String kind, int components) {
        return of(kind, components, DEFAULT_FLOW_STEPS, DEFAULT_FLOW_HIDDEN);
    }

    /** The prior named by the options, each value used only by the kind it belongs to. */
    public static PriorSpec of(String kind, int components, int flowSteps, int flowHidden) {
        return new PriorSpec(kind, components, flowSteps, flowHidden);
    }

    /** Whether p(z) has parameters of its own (not the fixed standard normal). */
    public boolean learned() {
        return !STANDARD_KIND.equals(kind);
    }

    /** Whether p(z) is the VampPrior. */
    public boolean vamp() {
        return VAMP.equals(kind);
    }

    /** Whether p(z) is the coupling-layer flow. */
    public boolean flow() {
        return FLOW.equals(kind);
    }

    /** For summaries: "standard normal N(0, I)", "VampPrior (K pseudo-inputs)" or "RealNVP flow (...)". */
    public String describe() {
        if (vamp()) {
            return "VampPrior (" + components + " pseudo-inputs)";
        }
        if (flow()) {
            return "RealNVP flow prior (" + flowSteps + " coupling steps, hidden " + flowHidden + ")";
        }
        return "standard normal N(0, I)";
    }
}
