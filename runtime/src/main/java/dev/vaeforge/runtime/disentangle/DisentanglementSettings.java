package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.VaeforgeException;

/**
 * Sample sizes and seed of the scores. {@link #defaults()} are disentanglement_lib's (the gin configs of
 * Locatello et al. 2019): BetaVAE and FactorVAE with batches of 64, 10,000 train and 5,000 eval
 * points, FactorVAE's variances from 10,000 points; MIG on 10,000 points in 20 bins; SAP, DCI and
 * modularity/explicitness on 10,000 train and 5,000 test points; SAP with discrete factors.
 */
public record DisentanglementSettings(long seed, int batch, int numTrain, int numEval, int numVariance,
        int migPoints, int bins, boolean sapContinuous) {
    public DisentanglementSettings {
        positive(batch, "batch", 2);
        positive(numTrain, "num-train", 2);
        positive(numEval, "num-eval", 1);
        positive(numVariance, "num-variance", 2);
        positive(migPoints, "mig-points", 2);
        positive(bins, "bins", 2);
    }

    public static DisentanglementSettings defaults() {
        return new DisentanglementSettings(0, 64, 10_000, 5_000, 10_000, 10_000, 20, false);
    }

    public DisentanglementSettings withSeed(long s) {
        return new DisentanglementSettings(s, batch, numTrain, numEval, numVariance, migPoints, bins, sapContinuous);
    }

    /** The same sizes divided down for a quick look (every size at least the given floor). */
    public DisentanglementSettings withSizes(int newBatch, int train, int eval, int variance, int mig) {
        return new DisentanglementSettings(seed, newBatch, train, eval, variance, mig, bins, sapContinuous);
    }

    public DisentanglementSettings withSapContinuous(boolean c) {
        return new DisentanglementSettings(seed, batch, numTrain, numEval, numVariance, migPoints, bins, c);
    }

    /** Images (or rows) a full run encodes, for progress: BetaVAE pairs, FactorVAE batches, and the rest. */
    public long imagesNeeded() {
        long beta = 2L * batch * (numTrain + numEval);
        long factor = (long) (batch + 1) * (numTrain + numEval) + numVariance;
        long rest = migPoints + 3L * (numTrain + numEval);
        return beta + factor + rest;
    }

    private static void positive(int v, String name, int min) {
        if (v < min) {
            throw VaeforgeException.badParameter(name + " must be >= " + min + ", got " + v, name);
        }
    }
}
