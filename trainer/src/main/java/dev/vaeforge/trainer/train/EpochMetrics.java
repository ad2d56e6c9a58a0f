package dev.vaeforge.trainer.train;

import java.util.List;

/**
 * One epoch's results: one line of {@code metrics.jsonl}, one row of {@code metrics.csv}. Losses are
 * means over images in nats per image; train values average the epoch's steps (the weights change
 * during the epoch), test values are measured after the epoch in inference mode (z = mu).
 *
 * @param step optimiser steps since the start of the run, at the end of this epoch
 * @param imagesPerSecond training images per second in this epoch (evaluation excluded)
 * @param seconds wall time of the epoch, evaluation included
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double trainRecon, double trainKl,
                           double testLoss, double testRecon, double testKl, double imagesPerSecond,
                           double seconds) {

    /** CSV column names, in record order. */
    public static final List<String> COLUMNS = List.of("epoch", "step", "trainLoss", "trainRecon", "trainKl",
            "testLoss", "testRecon", "testKl", "imagesPerSecond", "seconds");

    public String csvRow() {
        return epoch + "," + step + "," + trainLoss + "," + trainRecon + "," + trainKl + "," + testLoss + ","
                + testRecon + "," + testKl + "," + imagesPerSecond + "," + seconds;
    }
}
