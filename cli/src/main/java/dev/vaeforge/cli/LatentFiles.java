package dev.vaeforge.cli;

import java.nio.file.Path;

/**
 * The files written beside a latents array {@code NAME.npy} by {@code encode}: {@code NAME.logvar.npy}
 * (log-variances, with {@code --with logvar}), {@code NAME.labels.npy} (int64 class labels),
 * {@code NAME.factors.npy} (int64 factor classes [N, K]), {@code NAME.factor_values.npy} (float32 values of
 * those classes) and {@code NAME.factors.json} (factor names, class counts and values).
 */
final class LatentFiles {
    private LatentFiles() {
    }

    /** {@code latents.npy} -> {@code latents.<suffix>}. */
    static Path beside(Path latents, String suffix) {
        String name = latents.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        Path parent = latents.toAbsolutePath().getParent();
        return parent.resolve(stem + "." + suffix);
    }
}
