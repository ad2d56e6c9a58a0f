package dev.vaeforge.trainer.prior;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vaeforge.runtime.VaeforgeException;
import java.util.List;

/**
 * Which prior p(z) a Gaussian-latent model is trained against: the fixed {@code standard} normal, or a
 * learned {@code vamp} prior (Tomczak and Welling 2018), p(z) = (1/K) sum_k q(z|u_k) with K learned
 * pseudo-inputs u_k pushed through the model's own encoder.
 *
 * @param kind       "standard" or "vamp"
 * @param components K, the VampPrior's pseudo-inputs (0 for the standard normal)
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record PriorSpec(String kind, int components) {
    public static final String STANDARD_KIND = "standard";
    public static final String VAMP = "vamp";
    /** What the options accept, in help order. */
    public static final List<String> KINDS = List.of(STANDARD_KIND, VAMP);
    /** The VampPrior paper's K. */
    public static final int DEFAULT_COMPONENTS = 500;
    public static final int MAX_COMPONENTS = 10_000;
    public static final PriorSpec STANDARD = new PriorSpec(STANDARD_KIND, 0);

    public PriorSpec {
        if (kind == null) {
            kind = STANDARD_KIND;
        }
        if (!KINDS.contains(kind)) {
            throw VaeforgeException.badParameter("prior: unknown prior '" + kind + "', expected one of "
                    + String.join(", ", KINDS) + " (a flow prior is not implemented yet)", "prior");
        }
        if (kind.equals(STANDARD_KIND)) {
            components = 0;
        } else if (components < 1 || components > MAX_COMPONENTS) {
            throw VaeforgeException.badParameter("prior-components must be in 1.." + MAX_COMPONENTS + ", got "
                    + components, "prior-components");
        }
    }

    /** The prior named by the options: {@code kind} with {@code components} pseudo-inputs where it has them. */
    public static PriorSpec of(String kind, int components) {
        return new PriorSpec(kind, components);
    }

    /** Whether p(z) has parameters of its own (not the fixed standard normal). */
    public boolean learned() {
        return !STANDARD_KIND.equals(kind);
    }

    /** For summaries: "standard normal N(0, I)" or "VampPrior (K pseudo-inputs)". */
    public String describe() {
        return learned() ? "VampPrior (" + components + " pseudo-inputs)" : "standard normal N(0, I)";
    }
}
