package dev.vaeforge.trainer.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One epoch's results: one line of {@code metrics.jsonl}, one row of {@code metrics.csv}. Losses are
 * means over images in nats per image; train values average the epoch's steps (the weights change
 * during the epoch), test values are measured after the epoch in inference mode (z = mu), with every
 * schedule at its final value (target beta, C_max).
 *
 * <p>The fields after {@code seconds} are a family's ({@code Family#metricColumns} says which); they
 * are left out of the JSON when absent, so runs without them read and write as before.
 *
 * @param step optimiser steps since the start of the run, at the end of this epoch
 * @param imagesPerSecond training images per second in this epoch (evaluation excluded)
 * @param seconds wall time of the epoch, evaluation included
 * @param beta beta-VAE: the KL weight at the epoch's last training step; null for other families
 * @param capacity capacity-VAE: C (nats) at the epoch's last training step; null for other families
 * @param klPerDim KL of each latent dimension on the test split (mean over images), the posterior
 *     collapse diagnostic: a dimension near 0 is unused; null where not measured
 * @param perplexity vqvae: exp(H(p)) of the code usage p on the test split after the epoch (K if all
 *     codes are used equally, 1 if one code takes all); null for other families
 * @param codesUsed vqvae: how many of the K codes the test split uses; null for other families
 * @param extras the family's further columns in CSV order (vaegan: the discriminator's and the
 *     decoder's adversarial losses, pixel-space reconstruction, update rates); null for other families
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochMetrics(int epoch, long step, double trainLoss, double trainRecon, double trainKl,
                           double testLoss, double testRecon, double testKl, double imagesPerSecond,
                           double seconds, Double beta, Double capacity, List<Double> klPerDim,
                           Double perplexity, Integer codesUsed, Map<String, Double> extras) {

    /** CSV column names of the first ten fields, in record order; every run's CSV starts with them. */
    public static final List<String> COLUMNS = List.of("epoch", "step", "trainLoss", "trainRecon", "trainKl",
            "testLoss", "testRecon", "testKl", "imagesPerSecond", "seconds");
    /** CSV columns klDim0, klDim1, ... hold {@link #klPerDim}. */
    public static final String KL_DIM_COLUMN = "klDim";
    /** CSV columns of the code usage (a latent of codes), after the others. */
    public static final List<String> CODE_COLUMNS = List.of("perplexity", "codesUsed");

    public EpochMetrics {
        klPerDim = klPerDim == null ? null : List.copyOf(klPerDim);
        extras = extras == null || extras.isEmpty() ? null : Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    /** The metrics without the family-specific fields. */
    public EpochMetrics(int epoch, long step, double trainLoss, double trainRecon, double trainKl, double testLoss,
                        double testRecon, double testKl, double imagesPerSecond, double seconds) {
        this(epoch, step, trainLoss, trainRecon, trainKl, testLoss, testRecon, testKl, imagesPerSecond, seconds, null,
                null, null, null, null, null);
    }

    /**
     * These metrics with the scheduled values ({@code "beta"}, {@code "capacity"}) and the KL per latent
     * dimension; absent entries stay null.
     */
    public EpochMetrics with(Map<String, Double> schedule, double[] klPerDimension) {
        List<Double> perDim = null;
        if (klPerDimension != null) {
            perDim = new ArrayList<>(klPerDimension.length);
            for (double v : klPerDimension) {
                perDim.add(v);
            }
        }
        return new EpochMetrics(epoch, step, trainLoss, trainRecon, trainKl, testLoss, testRecon, testKl,
                imagesPerSecond, seconds, schedule.get("beta"), schedule.get("capacity"), perDim, perplexity, codesUsed,
                extras);
    }

    /** These metrics with the code usage of the test split (a latent of codes). */
    public EpochMetrics withCodes(double perplexity, int codesUsed) {
        return new EpochMetrics(epoch, step, trainLoss, trainRecon, trainKl, testLoss, testRecon, testKl,
                imagesPerSecond, seconds, beta, capacity, klPerDim, perplexity, codesUsed, extras);
    }

    /**
     * A metrics.csv header: {@link #COLUMNS}, the scheduled values ("beta", "capacity"), klDim0 ..
     * klDim{klDims-1}, then {@code after} (the family's further columns); matches {@link #csvRow()}.
     */
    public static List<String> columns(List<String> schedule, int klDims, List<String> after) {
        List<String> c = new ArrayList<>(COLUMNS);
        c.addAll(schedule);
        for (int d = 0; d < klDims; d++) {
            c.add(KL_DIM_COLUMN + d);
        }
        c.addAll(after);
        return List.copyOf(c);
    }

    /** These metrics with the family's further columns (in CSV order); null or empty leaves them absent. */
    public EpochMetrics withExtras(Map<String, Double> columns) {
        return new EpochMetrics(epoch, step, trainLoss, trainRecon, trainKl, testLoss, testRecon, testKl,
                imagesPerSecond, seconds, beta, capacity, klPerDim, perplexity, codesUsed, columns);
    }

    /** The CSV row: the ten base columns, then beta and capacity where present, then klPerDim. */
    public String csvRow() {
        StringBuilder sb = new StringBuilder();
        sb.append(epoch).append(',').append(step).append(',').append(trainLoss).append(',').append(trainRecon)
                .append(',').append(trainKl).append(',').append(testLoss).append(',').append(testRecon).append(',')
                .append(testKl).append(',').append(imagesPerSecond).append(',').append(seconds);
        if (beta != null) {
            sb.append(',').append(beta);
        }
        if (capacity != null) {
            sb.append(',').append(capacity);
        }
        if (klPerDim != null) {
            for (double v : klPerDim) {
                sb.append(',').append(v);
            }
        }
        if (perplexity != null) {
            sb.append(',').append(perplexity).append(',').append(codesUsed);
        }
        if (extras != null) {
            for (double v : extras.values()) {
                sb.append(',').append(v);
            }
        }
        return sb.toString();
    }
}
