package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.metrics.lpips.LpipsDistance;
import dev.vaeforge.runtime.metrics.lpips.LpipsModel;
import dev.vaeforge.runtime.metrics.lpips.LpipsStore;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which LPIPS graph a command uses, opened as the evaluator's {@link Lpips} ({@link LpipsDistance}). Precedence, first match wins: {@code --no-lpips} (none); {@code --lpips-model FILE};
 * {@code $VAEFORGE_LPIPS} (a graph file, or {@code off}); the default graph of the store
 * ({@code vaeforge lpips install}); else none, and LPIPS is reported as not computed.
 */
final class LpipsAdapter {
    /** Environment variable naming a graph file (or {@code off}) used instead of the installed one. */
    static final String ENV = "VAEFORGE_LPIPS";
    /** System property that, when set, replaces {@link #ENV} (tests, embedding); empty means unset. */
    static final String PROPERTY = "vaeforge.lpips";

    private LpipsAdapter() {
    }

    static Lpips open(Path file, Device device) {
        return LpipsDistance.open(file, device, "--lpips-model");
    }

    /** The graph a command uses (see the class comment), opened; null for none. */
    static Lpips choose(boolean off, Path flag, Device device) {
        if (off) {
            if (flag != null) {
                throw VaeforgeException.badParameter("lpips-model and no-lpips contradict each other; give one",
                        "lpips-model", "no-lpips");
            }
            return null;
        }
        if (flag != null) {
            return open(flag, device);
        }
        String env = environment();
        if (env != null) {
            if (env.equalsIgnoreCase("off") || env.equalsIgnoreCase("none")) {
                return null;
            }
            Path file = Path.of(env);
            try {
                return LpipsDistance.open(file, device, "$" + ENV);
            } catch (VaeforgeException e) {
                throw new VaeforgeException(e.code(), "$" + ENV + "=" + env + ": " + e.getMessage(), e);
            }
        }
        LpipsStore store = new LpipsStore(LpipsStore.defaultDir());
        Optional<LpipsStore.Entry> installed = store.defaultGraph();
        if (installed.isEmpty()) {
            return null;
        }
        LpipsStore.Entry e = installed.get();
        Path file = store.path(e);
        LpipsModel model;
        try {
            model = LpipsModel.open(file, device);
        } catch (VaeforgeException ex) {
            throw new VaeforgeException(ex.code(), "the installed LPIPS graph cannot be used: " + ex.getMessage()
                    + "; install it again ('vaeforge lpips install FILE') or pass --no-lpips", ex);
        }
        if (!model.sha256().equals(e.sha256())) {
            model.close();
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": sha256 " + model.sha256().substring(0, 12)
                    + " differs from the " + e.sha256().substring(0, 12) + " recorded when it was installed; install it "
                    + "again ('vaeforge lpips install FILE') or pass --no-lpips");
        }
        return new LpipsDistance(model, "installed");
    }

    /** {@code -Dvaeforge.lpips} when set, else {@code $VAEFORGE_LPIPS}; null when neither names anything. */
    static String environment() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            value = System.getenv(ENV);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
