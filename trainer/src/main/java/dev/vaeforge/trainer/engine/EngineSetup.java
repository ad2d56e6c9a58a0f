package dev.vaeforge.trainer.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;

/**
 * Prepares DJL's PyTorch engine. {@link #configure} must run before anything touches
 * {@link Engine}: the engine reads its thread counts once, when it loads, and DJL's default intra-op
 * thread count made training 2.7x slower than one thread per core. It also forces offline mode, so a
 * missing native library is an error instead of a download, keeps freed native memory in the process
 * ({@link NativeAllocator}) and makes OpenMP threads sleep rather than spin while they wait
 * ({@link OpenMpWait}).
 */
public final class EngineSetup {
    public static final String OFFLINE = "ai.djl.offline";
    public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private EngineSetup() {
    }

    /**
     * Sets the engine's system properties unless the user already set them (-D wins).
     *
     * @param threads intra- and inter-op threads; 0 = number of available cores
     */
    public static void configure(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = number of cores), got " + threads);
        }
        int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        setIfAbsent(OFFLINE, "true");
        setIfAbsent(NUM_THREADS, Integer.toString(n));
        setIfAbsent(NUM_INTEROP_THREADS, Integer.toString(n));
        NativeAllocator.keepFreedMemory();
        OpenMpWait.passiveUnlessSet();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Seeds the engine's generator (initialisation, reparameterisation noise). Loads the engine. */
    public static void seed(long seed) {
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
    }

    /**
     * Reseeds the engine's generator for one training batch (see {@code StepNoise}): the noise a
     * batch draws then depends only on the seed, not on what ran before in this process.
     */
    public static void seedBatch(int seed) {
        Engine.getInstance().setRandomSeed(seed);
    }

    /**
     * Resolves a device spec against the loaded engine.
     *
     * @throws IllegalStateException when a GPU is asked for and the engine cannot use it, saying how to fix it
     */
    public static Device device(DeviceSpec spec) {
        if (!spec.isGpu()) {
            return Device.cpu();
        }
        Engine engine = Engine.getInstance();
        int gpus = engine.hasCapability(StandardCapabilities.CUDA) ? engine.getGpuCount() : 0;
        if (gpus == 0) {
            throw new IllegalStateException("--device " + spec + " requested but DJL's " + engine.getEngineName()
                    + " engine sees no GPU; to train on a GPU set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1+cu128"
                    + " and PYTORCH_FLAVOR=cu128");
        }
        if (spec.gpuIndex() >= gpus) {
            throw new IllegalStateException("--device " + spec + " requested but DJL's " + engine.getEngineName()
                    + " engine sees only " + gpus + " GPU(s): cuda:0.." + "cuda:" + (gpus - 1));
        }
        return Device.gpu(spec.gpuIndex());
    }

    public static Device device(String spec) {
        return device(DeviceSpec.parse(spec));
    }
}
