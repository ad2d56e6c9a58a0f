package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that run bundles with ONNX Runtime (as jbang's BaseCommand is of its commands):
 * picocli's spec (the command's writers), {@code --device}, and opening a bundle's runtime there with room
 * for the command's batch. Each command declares its BUNDLE argument itself: one bundle for sample,
 * reconstruct and interpolate, several for evaluate.
 */
abstract class BundleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device;

    /** Images per ONNX Runtime call the runtime is sized for; a command with --batch-size returns it. */
    int maxBatch() {
        return VaeRuntime.DEFAULT_MAX_BATCH;
    }

    /** {@code bundle} (a directory or BUNDLE.zip) opened, verified, on --device, sized for {@link #maxBatch()}. */
    VaeRuntime openRuntime(Path bundle) {
        return VaeRuntime.open(bundle, device.parse(), maxBatch());
    }
}
