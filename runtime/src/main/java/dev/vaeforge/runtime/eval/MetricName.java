package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The metrics `vaeforge evaluate` knows, as named on the command line and in metrics.json. */
public enum MetricName {
    BCE, MSE, PSNR, KL, ELBO, SSIM, GMSD, LPIPS,
    /** -log p(x) by importance sampling, nats per image (only with nll-samples > 0). */
    NLL,
    /** The same in bits per dimension. */
    BPD,
    /** The Monte-Carlo standard error of each image's NLL, nats. */
    NLL_SE;

    /** The importance-sampled likelihood metrics, computed only when nll-samples > 0. */
    public static final Set<MetricName> LIKELIHOOD = EnumSet.of(NLL, BPD, NLL_SE);

    /** Metrics that compare an image with another image, so they also apply to generation. */
    public static final Set<MetricName> PAIRWISE = EnumSet.of(MSE, PSNR, SSIM, GMSD, LPIPS);

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses "ssim,gmsd,psnr"; "all" is every metric. Unknown names are one error listing the known ones.
     *
     * @param parameter the name of the parameter the list came from, for the message ("metrics")
     */
    public static EnumSet<MetricName> parseList(String list, String parameter) {
        EnumSet<MetricName> out = EnumSet.noneOf(MetricName.class);
        for (String raw : list.split(",")) {
            String s = raw.strip().toLowerCase(Locale.ROOT);
            if (s.equals("all")) {
                out.addAll(EnumSet.allOf(MetricName.class));
                continue;
            }
            MetricName m = Arrays.stream(values()).filter(v -> v.id().equals(s)).findFirst().orElseThrow(() ->
                    VaeforgeException.badParameter(parameter + ": unknown metric '" + raw.strip()
                            + "', expected a comma-separated list of " + Arrays.stream(values()).map(MetricName::id)
                            .collect(Collectors.joining(", ")) + " (or all)", parameter));
            out.add(m);
        }
        if (out.isEmpty()) {
            throw VaeforgeException.badParameter(parameter + ": no metric given", parameter);
        }
        return out;
    }
}
