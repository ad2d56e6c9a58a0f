package dev.vaeforge.cli.bench;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import dev.vaeforge.trainer.engine.EngineSetup;

/**
 * DJL and ONNX Runtime set up for one bench: the thread count for both, and the device checked in both
 * before anything is measured, so that a missing GPU fails at once with exit status 5.
 *
 * @param trainer where DJL trains
 * @param runtime where ONNX Runtime runs the bundle
 */
public record Engines(ai.djl.Device trainer, Device runtime) {
    /** Configures both engines for {@code threads} threads on {@code device} ("cpu", "cuda", "cuda:N"). */
    public static Engines setUp(int threads, String device) {
        EngineSetup.configure(threads);
        if (System.getProperty("vaeforge.threads") == null) {
            System.setProperty("vaeforge.threads", Integer.toString(threads));
        }
        Device runtime = Device.parse(device);
        ai.djl.Device trainer;
        try {
            trainer = EngineSetup.device(device);
        } catch (IllegalStateException e) {
            throw new VaeforgeException(VaeforgeException.Code.DEVICE, e.getMessage());
        }
        if (runtime.kind() == Device.Kind.CUDA) {
            Sessions.options(runtime).close(); // fails cleanly without the CUDA execution provider
        }
        return new Engines(trainer, runtime);
    }
}
