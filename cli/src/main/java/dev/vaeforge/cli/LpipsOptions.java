package dev.vaeforge.cli;

import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --lpips-model and --no-lpips, shared by evaluate, compare and demo; the choice is {@link LpipsAdapter#choose}. */
final class LpipsOptions {
    @Option(names = "--lpips-model", paramLabel = "FILE", description = "LPIPS ONNX graph to use (two [-1,1] NCHW "
            + "inputs, one distance per pair; see docs/EVALUATION.md). Without it: $VAEFORGE_LPIPS, else the graph "
            + "installed with 'vaeforge lpips install', else LPIPS is not computed.")
    Path lpipsModel;

    @Option(names = "--no-lpips", description = "Do not compute LPIPS, even with an installed graph or $VAEFORGE_LPIPS.")
    boolean noLpips;

    /** Refuses --no-lpips together with --lpips-model, before any work. */
    void check() {
        if (noLpips && lpipsModel != null) {
            throw dev.vaeforge.runtime.VaeforgeException.badParameter("lpips-model and no-lpips contradict each other; "
                    + "give one", "lpips-model", "no-lpips");
        }
    }

    /** The graph to use, opened, or null when LPIPS is off or there is none. */
    Lpips open(Device device) {
        return LpipsAdapter.choose(noLpips, lpipsModel, device);
    }
}
