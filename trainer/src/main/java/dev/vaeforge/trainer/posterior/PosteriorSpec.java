package dev.vaeforge.trainer.posterior;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vaeforge.runtime.VaeforgeException;
import java.util.List;
import java.util.Locale;

/**
 * The approximate posterior q(z|x) of a Gaussian-latent model: the diagonal {@code gaussian} q_0(z_0|x)
 * alone, or q_0 followed by K invertible steps z_K = f_K(...f_1(z_0)) whose log-density is
 * log q_K(z_K|x) = log q_0(z_0|x) - sum_k log |det df_k/dz_{k-1}|: {@code planar} flows (Rezende and
 * Mohamed 2015) or an inverse autoregressive flow {@code iaf} (Kingma et al. 2016). Written to
 * config.json only when it is a flow.
 *
 * @param kind  "gaussian", "planar" or "iaf"
 * @param steps K, the flow's steps (0 for the Gaussian)
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record PosteriorSpec(String kind, int steps) {
    public static final String GAUSSIAN_KIND = "gaussian";
    public static final String PLANAR = "planar";
    public static final String IAF = "iaf";
    /** What the options accept, in help order. */
    public static final List<String> KINDS = List.of(GAUSSIAN_KIND, PLANAR, IAF);
    public static final int DEFAULT_STEPS = 4;
    public static final int MAX_STEPS = 64;
    public static final PosteriorSpec GAUSSIAN = new PosteriorSpec(GAUSSIAN_KIND, 0);

    public PosteriorSpec {
        if (kind == null) {
            kind = GAUSSIAN_KIND;
        }
        kind = kind.strip().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw VaeforgeException.badParameter("posterior: unknown posterior '" + kind + "', expected one of "
                    + String.join(", ", KINDS), "posterior");
        }
        if (kind.equals(GAUSSIAN_KIND)) {
            steps = 0;
        } else if (steps < 1 || steps > MAX_STEPS) {
            throw VaeforgeException.badParameter("flow-steps must be in 1.." + MAX_STEPS + " for posterior " + kind
                    + ", got " + steps, "flow-steps");
        }
    }

    public static PosteriorSpec of(String kind, int steps) {
        return new PosteriorSpec(kind, steps);
    }

    /** Whether q(z|x) is a flow on top of the Gaussian (its density no longer closed-form against p(z)). */
    public boolean flow() {
        return !GAUSSIAN_KIND.equals(kind);
    }

    /** For summaries: "diagonal Gaussian" or "IAF, 4 steps". */
    public String describe() {
        return switch (kind) {
            case PLANAR -> "diagonal Gaussian + " + steps + " planar flow steps";
            case IAF -> "diagonal Gaussian + " + steps + " inverse autoregressive flow steps";
            default -> "diagonal Gaussian";
        };
    }
}
