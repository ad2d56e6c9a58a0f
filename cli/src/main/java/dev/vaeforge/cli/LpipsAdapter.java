package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;

/** Opens a user-supplied LPIPS graph for the evaluator. */
final class LpipsAdapter {
    private LpipsAdapter() {
    }

    static Lpips open(Path file, Device device) {
        throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--lpips-model " + file + ": LPIPS graphs are not supported yet");
    }
}
