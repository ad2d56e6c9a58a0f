package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.trainer.train.ProgressBar;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Decode draws from the bundle's prior (seeded: z ~ N(0, I) for a Gaussian latent, codes for a code grid) and "
                + "write the images as a PNG grid, a folder of PNGs or an .npy array (by the form of --out). "
                + "A conditional bundle decodes with a condition: --label or --condition; without one, a labels bundle cycles "
                + "through its classes (sample i gets class i mod K) and an attributes bundle sets no attribute.",
                "Example: vaeforge sample bundles/vae -n 64 --seed 1 --out samples.png",
                "Example: vaeforge sample bundles/by-class -n 16 --label heart --out hearts.png",
                "Example: vaeforge sample bundles/vae -n 100000 --out samples.npy"})
final class SampleCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    static final int MAX_COUNT = 100_000;

    @Option(names = {"-n", "--count"}, defaultValue = "64", description = "Number of samples, at most 100000 (a count"
            + " too large for one grid PNG needs --out DIR/ or --out FILE.npy). Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prior draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "PNG|DIR/|NPY", description = "Where the samples go: FILE.png,"
            + " one grid (at most 16384 px a side and 16 Mpixel); DIR/ (trailing slash, or an existing directory),"
            + " one DIR/sample-NNNNN.png per sample; FILE.npy, one float32 array [n, C, H, W] in [0, 1]. Folders and"
            + " arrays are written chunk by chunk in bounded memory.")
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

    /** Images decoded per ONNX Runtime call: a chunk is all that is held of a folder or an array. */
    @Override
    int maxBatch() {
        return 256;
    }

    @Override
    public Integer call() {
        if (count < 1 || count > MAX_COUNT) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "-n must be in 1..100000, got " + count);
        }
        String conditionText = null;
        String written;
        try (VaeRuntime rt = openRuntime(bundle)) {
            Optional<Condition> c = conditionOptions.resolve(rt);
            ConditionSpec condition = rt.condition().orElse(null);
            if (condition != null) {
                conditionText = c.map(Condition::toString).orElse(condition.kind() == ConditionKind.LABELS
                        ? "cycling through " + condition.describe() : "no attribute set");
            }
            Prior prior;
            if (rt.hasCodes()) {
                VaeRuntime.CodeSampling codes = this.prior == null ? rt.defaultCodeSampling()
                        : VaeRuntime.CodeSampling.parse(this.prior);
                conditionText = "codes " + codes.name().toLowerCase(java.util.Locale.ROOT);
                prior = rt.codePrior(codes);
            } else {
                if (this.prior != null) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--prior applies to bundles whose latent"
                            + " is a grid of codes; this " + rt.manifest().family() + " bundle samples "
                            + rt.prior().description());
                }
                prior = rt.prior();
            }
            ImageShape shape = rt.imageShape();
            int cols = columns != null ? columns : (int) Math.ceil(Math.sqrt(count));
            try (ImageOutput output = ImageOutput.open(outText(), shape, count, cols, "samples", "sample")) {
                EvalProgressBar bar = new EvalProgressBar(spec.commandLine().getErr(), ProgressBar.isTerminal(), "sample");
                long started = System.nanoTime();
                // one random stream drawn chunk by chunk: the same draws as rt.sample(count, seed, ...) in one call
                Random random = new Random(seed);
                int chunk = rt.maxBatch();
                for (int from = 0; from < count; from += chunk) {
                    int m = Math.min(chunk, count - from);
                    float[] y = condition == null ? null : c.isPresent() ? c.get().repeat(m)
                            : defaultConditions(condition, from, m);
                    float[] x = rt.decodeDraw(prior.sample(m, random), y);
                    output.write(x, m);
                    if (images != null) {
                        int per = shape.size();
                        for (int i = 0; i < m; i++) {
                            float[] one = new float[per];
                            System.arraycopy(x, i * per, one, 0, per);
                            ImageFiles.writePng(one, shape, images.resolve(String.format("sample-%05d.png", from + i)));
                        }
                    }
                    if (count > chunk) {
                        bar.onProgress("decoding", from + m, count, (System.nanoTime() - started) / 1e9);
                    }
                }
                output.finish();
                written = output.describe();
            }
        }
        spec.commandLine().getOut().printf("wrote %d samples (seed %d%s) as the %s%n", count, seed,
                conditionText == null ? "" : (conditionText.startsWith("codes") ? ", " : ", condition: ") + conditionText,
                written);
        return 0;
    }

    /** --out as typed: a trailing slash means a folder. */
    private String outText() {
        return spec.commandLine().getParseResult().matchedOption("--out").stringValues().get(0);
    }

    /** Labels: sample i gets class i mod K, so a grid shows every class; attributes: all 0. For samples [from, from + n). */
    private static float[] defaultConditions(ConditionSpec spec, int from, int n) {
        if (spec.kind() == ConditionKind.ATTRIBUTES) {
            return Condition.none(spec).repeat(n);
        }
        int k = spec.dim();
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
            y[i * k + (from + i) % k] = 1f;
        }
        return y;
    }
}
