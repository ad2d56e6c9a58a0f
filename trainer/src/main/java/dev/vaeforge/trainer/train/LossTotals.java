package dev.vaeforge.trainer.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums of per-image loss terms over many batches, so that means are over images (not over batches,
 * which would overweight a small last batch). Kept in double: float sums drift over an epoch.
 * A checkpoint in the middle of an epoch saves the sums ({@link #snapshot}), so the resumed epoch
 * reports the same means as an uninterrupted one.
 * Also carries the KL per latent dimension (when measured) and the scheduled weights at the last step.
 */
public final class LossTotals {
    private long images;
    private int steps;
    private double total;
    private double recon;
    private double kl;
    private long klDimImages;
    private double[] klPerDim;
    private Map<String, Double> schedule = Map.of();
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    /** Sums of the family's extra terms, each weighted by its batch's image count. */
    private final Map<String, Double> extras = new LinkedHashMap<>();

    /**
     * The running sums, as stored in a checkpoint.
     *
     * @param extras sums of the family's extra terms (vaegan); empty, and absent from older checkpoints,
     *     for the other families
     */
    public record Snapshot(long images, int steps, double total, double recon, double kl, Map<String, Double> extras) {
        public static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, Map.of());

        public Snapshot {
            extras = extras == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        }

        public Snapshot(long images, int steps, double total, double recon, double kl) {
            this(images, steps, total, recon, kl, Map.of());
        }
    }

    public LossTotals() {
    }

    public LossTotals(Snapshot s) {
        images = s.images();
        steps = s.steps();
        total = s.total();
        recon = s.recon();
        kl = s.kl();
        extras.putAll(s.extras());
    }

    public Snapshot snapshot() {
        return new Snapshot(images, steps, total, recon, kl, extras);
    }

    /**
     * Adds one batch's extra terms, batch means over {@code count} images. Call it once per batch
     * added with {@link #add}, so that {@link #meanExtras} divides by the same image count.
     */
    public void addExtras(int count, Map<String, Double> batchMeans) {
        batchMeans.forEach((k, v) -> extras.merge(k, v * count, Double::sum));
    }

    /** The mean of each extra term over the images added, in the order they were first added. */
    public Map<String, Double> meanExtras() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (images > 0) {
            extras.forEach((k, v) -> m.put(k, v / images));
        }
        return m;
    }

    /** Adds one batch whose terms are batch means over {@code count} images: [total, recon, kl]. */
    public void add(int count, float[] batchMeans) {
        images += count;
        steps++;
        total += (double) batchMeans[0] * count;
        recon += (double) batchMeans[1] * count;
        kl += (double) batchMeans[2] * count;
    }

    /** Adds one batch's per-dimension KL, batch means over {@code count} images. */
    public void addKlPerDim(int count, float[] batchMeans) {
        if (klPerDim == null) {
            klPerDim = new double[batchMeans.length];
        }
        if (batchMeans.length != klPerDim.length) {
            throw new IllegalArgumentException("KL per dimension changed width: " + klPerDim.length + " -> "
                    + batchMeans.length);
        }
        klDimImages += count;
        for (int d = 0; d < batchMeans.length; d++) {
            klPerDim[d] += (double) batchMeans[d] * count;
        }
    }

    /** Counts the values 0..k-1 of one batch under {@code name} (e.g. the codes of a quantized latent). */
    public void addCounts(String name, long[] indices, int k) {
        long[] c = counts.computeIfAbsent(name, n -> new long[k]);
        for (long i : indices) {
            c[(int) i]++;
        }
    }

    /** How often each value was counted under {@code name}, or null when nothing was. */
    public long[] counts(String name) {
        long[] c = counts.get(name);
        return c == null ? null : c.clone();
    }

    /** Mean KL of each latent dimension over the images added, or null when none was added. */
    public double[] meanKlPerDim() {
        if (klPerDim == null || klDimImages == 0) {
            return null;
        }
        double[] m = new double[klPerDim.length];
        for (int d = 0; d < m.length; d++) {
            m[d] = klPerDim[d] / klDimImages;
        }
        return m;
    }

    /** The scheduled weights ("beta", "capacity") of the last step added; empty without a schedule. */
    public Map<String, Double> schedule() {
        return schedule;
    }

    public void schedule(Map<String, Double> values) {
        schedule = Map.copyOf(values);
    }

    public long images() {
        return images;
    }

    public int steps() {
        return steps;
    }

    public double meanTotal() {
        return images == 0 ? Double.NaN : total / images;
    }

    public double meanRecon() {
        return images == 0 ? Double.NaN : recon / images;
    }

    public double meanKl() {
        return images == 0 ? Double.NaN : kl / images;
    }
}
