package dev.vaeforge.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;

/**
 * Creates ONNX Runtime sessions for a {@link Device}: full graph optimisation, intra-op threads =
 * cores on the CPU, and the CUDA execution provider when a GPU is asked for. Asking for CUDA on a
 * build or machine without it is a clear {@link VaeforgeException}, never a silent CPU fallback.
 */
public final class Sessions {
    /**
     * System property: "0" (default) or "1" for ONNX Runtime's session.intra_op.allow_spinning. Off by
     * default: measured on 2 cores with the JVM's own threads beside ORT's, spinning workers cost
     * throughput at every batch size (batch 1: 504 vs 1082 images/s; batch 64: 750 vs 1038) and
     * p99 latency (8.9 vs 1.8 ms); docs/BENCHMARKS.md.
     */
    public static final String ALLOW_SPINNING = "vaeforge.ort.allow_spinning";

    private Sessions() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    public static OrtSession.SessionOptions options(Device device) {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        try {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(Integer.getInteger("vaeforge.threads", Runtime.getRuntime().availableProcessors()));
            opts.addConfigEntry("session.intra_op.allow_spinning", System.getProperty(ALLOW_SPINNING, "0"));
            if (device.kind() == Device.Kind.CUDA) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw VaeforgeException.ofParameters(VaeforgeException.Code.DEVICE, "device " + device
                            + " requested, but this ONNX Runtime build has no CUDA execution provider (available: "
                            + OrtEnvironment.getAvailableProviders()
                            + "); build with -Pcuda to use onnxruntime_gpu on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9",
                            null, "device");
                }
                opts.addCUDA(device.index());
            }
            return opts;
        } catch (OrtException e) {
            opts.close();
            throw VaeforgeException.ofParameters(VaeforgeException.Code.DEVICE, "cannot use device " + device + ": "
                    + e.getMessage(), e, "device");
        } catch (RuntimeException e) {
            opts.close();
            throw e;
        }
    }

    public static OrtSession create(byte[] model, String source, Device device) {
        try (OrtSession.SessionOptions opts = options(device)) {
            return environment().createSession(model, opts);
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE,
                    source + ": ONNX Runtime cannot load this graph: " + e.getMessage(), e);
        }
    }
}
