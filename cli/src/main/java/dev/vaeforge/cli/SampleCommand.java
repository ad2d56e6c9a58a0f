package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.image.ImageGrid;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Decode z ~ N(0, I) (seeded) with the bundle's decoder and write the images as a PNG grid.",
                "Example: vaeforge sample bundles/vae -n 64 --seed 1 --out samples.png"})
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

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

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (count < 1 || count > 100_000) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "-n must be in 1..100000, got " + count);
        }
        try (VaeRuntime rt = VaeRuntime.open(bundle, device.parse())) {
            float[] x = rt.sample(count, seed);
            int cols = columns != null ? columns : (int) Math.ceil(Math.sqrt(count));
            Files2.writePng(ImageGrid.of(x, rt.imageShape(), count, cols, 2), out);
            if (images != null) {
                int per = rt.imageShape().size();
                for (int i = 0; i < count; i++) {
                    float[] one = new float[per];
                    System.arraycopy(x, i * per, one, 0, per);
                    Files2.writePng(one, rt.imageShape(), images.resolve(String.format("sample-%05d.png", i)));
                }
            }
        }
        spec.commandLine().getOut().printf("wrote %d samples (seed %d) to %s%n", count, seed, out.toAbsolutePath());
        return 0;
    }
}
