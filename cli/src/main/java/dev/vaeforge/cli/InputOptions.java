package dev.vaeforge.cli;

import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageShape;
import picocli.CommandLine.Option;

/** How input images are fitted to the model: --resize and --skip-bad. */
final class InputOptions {
    @Option(names = "--resize", description = "Centre-crop and resize images whose size differs from the model's "
            + "(otherwise such an image is an error). See runtime/README.md, Image conversion rules.")
    boolean resize;

    @Option(names = "--skip-bad", description = "Skip unreadable images, count them and list them, instead of failing.")
    boolean skipBad;

    DatasetOptions options(ImageShape shape) {
        return DatasetOptions.defaults().withShape(shape).withResize(resize).withSkipBad(skipBad);
    }
}
