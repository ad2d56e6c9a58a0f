package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
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

@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = {"Encode two images, walk the straight line between their posterior means and decode each step "
                + "into one strip (both ends included).",
                "A conditional bundle uses one condition for both images and every step: --label or --condition.",
                "Example: vaeforge interpolate bundles/vae --from a.png --to b.png --steps 8 --out strip.png"})
final class InterpolateCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--from", required = true, paramLabel = "IMAGE", description = "First image (PNG, JPEG, BMP, GIF, TIFF).")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "IMAGE", description = "Last image.")
    Path to;

    @Option(names = "--steps", defaultValue = "8", description = "Images in the strip (>= 2). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "Strip image to write.")
    Path out;

    @Option(names = "--resize", description = "Centre-crop and resize inputs whose size differs from the model's.")
    boolean resize;

    @Mixin
    ConditionOptions conditionOptions;

    @Override
    public Integer call() {
        try (VaeRuntime rt = openRuntime(bundle)) {
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
            float[] a = ImageFiles.readImage(from, rt.imageShape(), resize);
            float[] b = ImageFiles.readImage(to, rt.imageShape(), resize);
            float[] frames = rt.interpolate(a, b, steps, y);
            ImageFiles.writePng(ImageGrid.strip(frames, rt.imageShape(), steps, 2), out);
        }
        spec.commandLine().getOut().printf("wrote a %d-step interpolation to %s%n", steps, out.toAbsolutePath());
        return 0;
    }
}
