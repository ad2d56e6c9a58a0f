package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.VaeforgeException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The metrics `vaeforge evaluate` knows, as named on the command line and in metrics.json. */
public enum MetricName {
    BCE, MSE, PSNR, KL, ELBO, SSIM, GMSD, LPIPS;

    /** Metrics that compare an image with another image, so they also apply to generation. */
    public static final Set<MetricName> PAIRWISE = EnumSet.of(MSE, PSNR, SSIM, GMSD, LPIPS);

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "ssim,gmsd,psnr"; "all" is every metric. Unknown names are one error listing the known ones. */
    public static EnumSet<MetricName> parseList(String list, String flag) {
        EnumSet<MetricName> out = EnumSet.noneOf(MetricName.class);
        for (String raw : list.split(",")) {
            String s = raw.strip().toLowerCase(Locale.ROOT);
            if (s.equals("all")) {
                out.addAll(EnumSet.allOf(MetricName.class));
                continue;
            }
            MetricName m = Arrays.stream(values()).filter(v -> v.id().equals(s)).findFirst().orElseThrow(() ->
                    new VaeforgeException(VaeforgeException.Code.BAD_INPUT, flag + ": unknown metric '" + raw.strip()
                            + "', expected a comma-separated list of " + Arrays.stream(values()).map(MetricName::id)
                            .collect(Collectors.joining(", ")) + " (or all)"));
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, flag + ": no metric given");
        }
        return out;
    }
}
