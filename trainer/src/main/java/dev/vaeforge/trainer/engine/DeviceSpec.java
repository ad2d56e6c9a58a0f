package dev.vaeforge.trainer.engine;

import java.util.Locale;

/**
 * A device as written on the command line and in configs: {@code cpu}, {@code cuda} (= cuda:0) or
 * {@code cuda:N}. Parsing does not touch DJL, so a config can be validated before the engine loads;
 * {@link EngineSetup#device} checks it against the engine.
 *
 * @param gpuIndex -1 for the CPU
 */
public record DeviceSpec(int gpuIndex) {
    public static final DeviceSpec CPU = new DeviceSpec(-1);

    public DeviceSpec {
        if (gpuIndex < -1) {
            throw new IllegalArgumentException("GPU index must be >= 0, got " + gpuIndex);
        }
    }

    public static DeviceSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got nothing");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda")) {
            return new DeviceSpec(0);
        }
        if (s.startsWith("cuda:")) {
            try {
                int i = Integer.parseInt(s.substring(5));
                if (i >= 0) {
                    return new DeviceSpec(i);
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got '" + spec + "'");
    }

    public boolean isGpu() {
        return gpuIndex >= 0;
    }

    /** The canonical spelling: "cpu" or "cuda:N". */
    @Override
    public String toString() {
        return isGpu() ? "cuda:" + gpuIndex : "cpu";
    }
}
