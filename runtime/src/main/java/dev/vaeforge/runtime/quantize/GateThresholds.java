package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the quality gate requires of the int8 graphs on held-out images, against the fp32 bundle:
 * PSNR of the int8 reconstructions against the fp32 ones at least {@code minPsnr} dB; the mean SSIM
 * against the originals at most {@code maxSsimDrop} below fp32's; the mean ELBO within
 * {@code maxElboChange} (a fraction of |fp32 ELBO|); no latent mean further than
 * {@code maxLatentMeanError} from fp32's (in the latent's own units, where the prior has std 1).
 */
public record GateThresholds(double minPsnr, double maxSsimDrop, double maxElboChange, double maxLatentMeanError) {
    public static final GateThresholds DEFAULTS = new GateThresholds(35, 0.01, 0.01, 0.1);

    public GateThresholds {
        if (!(minPsnr > 0) || !(maxSsimDrop >= 0) || !(maxElboChange >= 0) || !(maxLatentMeanError >= 0)) {
            throw VaeforgeException.badParameter("gate thresholds must be finite and >= 0 (minPsnr > 0), got minPsnr "
                    + minPsnr + ", maxSsimDrop " + maxSsimDrop + ", maxElboChange " + maxElboChange
                    + ", maxLatentMeanError " + maxLatentMeanError, "minPsnr", "maxSsimDrop", "maxElboChange",
                    "maxLatentMeanError");
        }
    }

    Map<String, Double> json() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("minPsnr", minPsnr);
        m.put("maxSsimDrop", maxSsimDrop);
        m.put("maxElboChange", maxElboChange);
        m.put("maxLatentMeanError", maxLatentMeanError);
        return m;
    }
}
