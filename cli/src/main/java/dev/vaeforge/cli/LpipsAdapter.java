package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.metrics.lpips.LpipsModel;
import dev.vaeforge.runtime.metrics.lpips.LpipsStore;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * An LPIPS graph (signature checked on open) as the evaluator's {@link Lpips}, and which graph a
 * command uses. Precedence, first match wins: {@code --no-lpips} (none); {@code --lpips-model FILE};
 * {@code $VAEFORGE_LPIPS} (a graph file, or {@code off}); the default graph of the store
 * ({@code vaeforge lpips install}); else none, and LPIPS is reported as not computed.
 */
final class LpipsAdapter implements Lpips {
    /** Environment variable naming a graph file (or {@code off}) used instead of the installed one. */
    static final String ENV = "VAEFORGE_LPIPS";
    /** System property that, when set, replaces {@link #ENV} (tests, embedding); empty means unset. */
    static final String PROPERTY = "vaeforge.lpips";

    private final LpipsModel model;
    private final String source;

    private LpipsAdapter(LpipsModel model, String source) {
        this.model = model;
        this.source = source;
    }

    static Lpips open(Path file, Device device) {
        return new LpipsAdapter(LpipsModel.open(file, device), "--lpips-model");
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
                return new LpipsAdapter(LpipsModel.open(file, device), "$" + ENV);
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
        return new LpipsAdapter(model, "installed");
    }

    /** {@code -Dvaeforge.lpips} when set, else {@code $VAEFORGE_LPIPS}; null when neither names anything. */
    static String environment() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            value = System.getenv(ENV);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public double[] distance(float[] a, float[] b, int n, ImageShape shape) {
        return model.distance(a, b, n, shape);
    }

    @Override
    public void check(ImageShape shape) {
        model.check(shape);
    }

    @Override
    public String unsupportedReason(ImageShape shape) {
        return model.unsupportedReason(shape);
    }

    @Override
    public String description() {
        return model.description();
    }

    @Override
    public EvaluationResult.LpipsRef ref() {
        return new EvaluationResult.LpipsRef(model.info().backbone(), model.sha256(),
                model.file().toAbsolutePath().normalize().toString(), source);
    }

    /** e.g. {@code LPIPS-alex (sha256 90a1e8d6b224, installed)}, for command output. */
    String summary() {
        return String.format(Locale.ROOT, "LPIPS-%s (sha256 %s, %s)", model.info().backbone(), model.sha256().substring(0, 12),
                source);
    }

    @Override
    public void close() {
        model.close();
    }
}
