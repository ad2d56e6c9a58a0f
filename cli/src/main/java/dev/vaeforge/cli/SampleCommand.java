package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.image.ImageGrid;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Decode draws from the bundle's prior (seeded: z ~ N(0, I) for a Gaussian latent, codes for a code grid) and "
                + "write the images as a PNG grid. "
                + "A conditional bundle decodes with a condition: --label or --condition; without one, a labels bundle cycles "
                + "through its classes (sample i gets class i mod K) and an attributes bundle sets no attribute.",
                "Example: vaeforge sample bundles/vae -n 64 --seed 1 --out samples.png",
                "Example: vaeforge sample bundles/by-class -n 16 --label heart --out hearts.png"})
final class SampleCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = {"-n", "--count"}, defaultValue = "64", description = "Number of samples. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prior draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "Grid image to write.")
    Path out;

    @Option(names = "--columns", description = "Grid columns. Default: about sqrt(n).")
    Integer columns;

    @Option(names = "--images", paramLabel = "DIR", description = "Also write each sample as DIR/sample-NNNNN.png.")
    Path images;

    @Option(names = "--prior", paramLabel = "uniform|empirical", description = "Code-grid bundles: how codes are drawn per grid "
            + "position: uniformly over the codebook, or from the code distribution of the training set fitted at export "
            + "(code_prior.json). Default: empirical when the bundle has it, else uniform.")
    String prior;

    @Mixin
    ConditionOptions conditionOptions;

    @Override
    public Integer call() {
        if (count < 1 || count > 100_000) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "-n must be in 1..100000, got " + count);
        }
        String conditionText = null;
        try (VaeRuntime rt = openRuntime(bundle)) {
            Optional<Condition> c = conditionOptions.resolve(rt);
            float[] y = null;
            if (rt.condition().isPresent()) {
                ConditionSpec spec = rt.condition().get();
                y = c.map(v -> v.repeat(count)).orElseGet(() -> defaultConditions(spec, count));
                conditionText = c.map(Condition::toString).orElse(spec.kind() == ConditionKind.LABELS
                        ? "cycling through " + spec.describe() : "no attribute set");
            }
            float[] x;
            if (rt.hasCodes()) {
                VaeRuntime.CodeSampling codes = prior == null ? rt.defaultCodeSampling() : VaeRuntime.CodeSampling.parse(prior);
                conditionText = "codes " + codes.name().toLowerCase(java.util.Locale.ROOT);
                x = rt.sample(count, seed, codes);
            } else {
                if (prior != null) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--prior applies to bundles whose latent"
                            + " is a grid of codes; this " + rt.manifest().family() + " bundle samples "
                            + rt.prior().description());
                }
                x = rt.sample(count, seed, y);
            }
            int cols = columns != null ? columns : (int) Math.ceil(Math.sqrt(count));
            ImageFiles.writePng(ImageGrid.of(x, rt.imageShape(), count, cols, 2), out);
            if (images != null) {
                int per = rt.imageShape().size();
                for (int i = 0; i < count; i++) {
                    float[] one = new float[per];
                    System.arraycopy(x, i * per, one, 0, per);
                    ImageFiles.writePng(one, rt.imageShape(), images.resolve(String.format("sample-%05d.png", i)));
                }
            }
        }
        spec.commandLine().getOut().printf("wrote %d samples (seed %d%s) to %s%n", count, seed,
                conditionText == null ? "" : (conditionText.startsWith("codes") ? ", " : ", condition: ") + conditionText,
                out.toAbsolutePath());
        return 0;
    }

    /** Labels: sample i gets class i mod K, so a grid shows every class; attributes: all 0. */
    private static float[] defaultConditions(ConditionSpec spec, int n) {
        if (spec.kind() == ConditionKind.ATTRIBUTES) {
            return Condition.none(spec).repeat(n);
        }
        int k = spec.dim();
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
            y[i * k + i % k] = 1f;
        }
        return y;
    }
}
