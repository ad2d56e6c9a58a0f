package dev.vaeforge.spark;

import java.util.Locale;

/** What a job computes per image. */
public enum JobKind {
    /** Latents: the posterior mean and log-variance of a Gaussian latent, or the code indices of a code grid. */
    ENCODE("latents.parquet"),
    /** The posterior-mean reconstruction, as PNG bytes (or PNG files). */
    RECONSTRUCT("reconstructions.parquet"),
    /** The per-image metrics of `vaeforge evaluate`, and its metrics.json / metrics.md summary. */
    EVALUATE("images.parquet");

    private final String table;

    JobKind(String table) {
        this.table = table;
    }

    /** The Parquet table the job writes under its output directory. */
    public String table() {
        return table;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
