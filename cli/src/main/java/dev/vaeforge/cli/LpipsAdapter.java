package dev.vaeforge.cli;

import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.metrics.lpips.LpipsModel;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;

/** A user-supplied LPIPS graph (signature checked on open) as the evaluator's {@link Lpips}. */
final class LpipsAdapter implements Lpips {
    private final LpipsModel model;

    private LpipsAdapter(LpipsModel model) {
        this.model = model;
    }

    static Lpips open(Path file, Device device) {
        return new LpipsAdapter(LpipsModel.open(file, device));
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
    public String description() {
        return model.description();
    }

    @Override
    public void close() {
        model.close();
    }
}
