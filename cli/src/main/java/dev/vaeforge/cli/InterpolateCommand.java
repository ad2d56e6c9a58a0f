package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.train.ProgressBar;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = {"Encode two images, walk the straight line between their posterior means and decode each step "
                + "into one strip (both ends included), a folder of PNGs or an .npy array (by the form of --out).",
                "A conditional bundle uses one condition for both images and every step: --label or --condition.",
                "Example: vaeforge interpolate bundles/vae --from a.png --to b.png --steps 8 --out strip.png"})
final class InterpolateCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--from", required = true, paramLabel = "IMAGE", description = "First image (PNG, JPEG, BMP, GIF, TIFF).")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "IMAGE", description = "Last image.")
    Path to;

    static final int MAX_STEPS = 100_000;

    @Option(names = "--steps", defaultValue = "8", description = "Images along the line, 2..100000 (a strip PNG holds"
            + " at most 16384 px; more need --out DIR/ or --out FILE.npy). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "PNG|DIR/|NPY", description = "Where the steps go: FILE.png,"
            + " one strip; DIR/ (trailing slash, or an existing directory), one DIR/step-NNNNN.png per step; FILE.npy,"
            + " one float32 array [steps, C, H, W]. Decoded chunk by chunk in bounded memory.")
    Path out;

    @Option(names = "--level", paramLabel = "NAME", description = "A latent of several levels: the level to interpolate at"
            + " (its name in the manifest: inspect lists them, top first). Default: the bottom level, the decoder's.")
    String level;

    @Option(names = "--resize", description = "Centre-crop and resize inputs whose size differs from the model's.")
    boolean resize;

    @Mixin
    ConditionOptions conditionOptions;

    /** Images decoded per ONNX Runtime call: a chunk is all that is held of a folder or an array. */
    @Override
    int maxBatch() {
        return 256;
    }

    @Override
    public Integer call() {
        String written;
        try (VaeRuntime rt = openRuntime(bundle)) {
            rt.selectLevel(level);
            float[] y = null;
            if (rt.condition().isPresent()) {
                ConditionSpec spec = rt.condition().get();
                Optional<Condition> c = conditionOptions.resolve(rt);
                if (c.isEmpty() && spec.kind() == ConditionKind.LABELS) {
                    throw ConditionOptions.bad("this " + ConditionOptions.label(rt) + " bundle needs --label INDEX|NAME for the interpolation; "
                            + spec.describe());
                }
                y = c.orElseGet(() -> Condition.none(spec)).vector();
            } else {
                conditionOptions.resolve(rt);
            }
            if (steps < 2 || steps > MAX_STEPS) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--steps must be in 2..100000, got " + steps);
            }
            ImageShape shape = rt.imageShape();
            float[] a = ImageFiles.readImage(from, shape, resize);
            float[] b = ImageFiles.readImage(to, shape, resize);
            String raw = spec.commandLine().getParseResult().matchedOption("--out").stringValues().get(0);
            try (ImageOutput output = ImageOutput.open(raw, shape, steps, steps, "steps", "step")) {
                if (steps <= rt.maxBatch()) {
                    output.write(rt.interpolate(a, b, steps, y), steps);
                } else {
                    writeInChunks(rt, a, b, y, output);
                }
                output.finish();
                written = output.describe();
            }
        }
        spec.commandLine().getOut().printf("wrote a %d-step interpolation as the %s%n", steps, written);
        return 0;
    }

    /** As {@link VaeRuntime#interpolate}, a chunk of steps at a time, with a progress bar. */
    private void writeInChunks(VaeRuntime rt, float[] a, float[] b, float[] y, ImageOutput output) {
        float[] both = new float[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        float[] mu = rt.encode(both, y == null ? null : repeat(y, 2), 2).mu();
        int size = mu.length / 2;
        EvalProgressBar bar = new EvalProgressBar(spec.commandLine().getErr(), ProgressBar.isTerminal(), "interpolate");
        long started = System.nanoTime();
        int chunk = rt.maxBatch();
        for (int first = 0; first < steps; first += chunk) {
            int m = Math.min(chunk, steps - first);
            float[] z = new float[m * size];
            for (int i = 0; i < m; i++) {
                float t = (first + i) / (float) (steps - 1);
                for (int j = 0; j < size; j++) {
                    z[i * size + j] = (1 - t) * mu[j] + t * mu[size + j];
                }
            }
            output.write(rt.decode(z, y == null ? null : repeat(y, m), m), m);
            bar.onProgress("decoding", first + m, steps, (System.nanoTime() - started) / 1e9);
        }
    }

    private static float[] repeat(float[] y, int n) {
        float[] out = new float[y.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, 0, out, i * y.length, y.length);
        }
        return out;
    }
}
