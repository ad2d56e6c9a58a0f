package dev.vaeforge.runtime.metrics.lpips;

import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An LPIPS graph (signature checked on open) as the evaluator's {@link Lpips}, with where it came from
 * ({@code source}: "--lpips-model", "$VAEFORGE_LPIPS", "installed", "shipped with the Spark job", ...),
 * which metrics.json records. Used by the CLI's evaluate and by the Spark jobs' executors.
 */
public final class LpipsDistance implements Lpips {
    private final LpipsModel model;
    private final String source;

    public LpipsDistance(LpipsModel model, String source) {
        this.model = model;
        this.source = source;
    }

    /** Opens {@code file} (checking its signature) on {@code device}. */
    public static LpipsDistance open(Path file, Device device, String source) {
        return new LpipsDistance(LpipsModel.open(file, device), source);
    }

    public LpipsModel model() {
        return model;
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
    public String summary() {
        return String.format(Locale.ROOT, "LPIPS-%s (sha256 %s, %s)", model.info().backbone(), model.sha256().substring(0, 12),
                source);
    }

    @Override
    public void close() {
        model.close();
    }
}
