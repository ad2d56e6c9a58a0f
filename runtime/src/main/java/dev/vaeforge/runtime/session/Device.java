package dev.vaeforge.runtime.session;

import dev.vaeforge.runtime.VaeforgeException;

/** Where graphs run: the CPU, or an NVIDIA GPU through ONNX Runtime's CUDA execution provider. */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return new Device(Kind.CUDA, 0);
        }
        if (s.startsWith("cuda:")) {
            try {
                return new Device(Kind.CUDA, Integer.parseInt(s.substring(5)));
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
        }
        throw VaeforgeException.badParameter("device '" + text + "' is not a device; expected cpu, cuda or cuda:N (N >= 0)",
                "device");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
