package dev.vaeforge.cli;

import dev.vaeforge.runtime.session.Device;
import picocli.CommandLine.Option;

/** --device for the runtime commands. */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where ONNX Runtime runs the graphs (CUDA needs the -Pcuda build and an NVIDIA GPU). Default: ${DEFAULT-VALUE}.")
    String device;

    Device parse() {
        return Device.parse(device);
    }
}
