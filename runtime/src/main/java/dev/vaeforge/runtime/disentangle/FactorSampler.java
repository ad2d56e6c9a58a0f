package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.data.FactorSpec;
import java.util.SplittableRandom;

/**
 * Where a disentanglement score draws its points: ground-truth factor classes and the representation
 * (latent codes) of an image with those factors. {@link GeneratedSampler} draws factors uniformly from a
 * grid and encodes images made for them (disentanglement_lib's {@code GroundTruthData} with a
 * representation function); {@link RowSampler} draws rows of a given (factors, codes) table.
 */
public interface FactorSampler {
    FactorSpec factors();

    /** Width of a code. */
    int codeSize();

    /** Starts a score: a sampler of fixed rows begins a fresh pass over them. */
    default void restart(SplittableRandom rng) {
    }

    /** {@code n} points from the data distribution. */
    Draw sample(int n, SplittableRandom rng);

    /** The class of factor {@code k} of one point from the data distribution (nothing is encoded). */
    int sampleClass(int k, SplittableRandom rng);

    /**
     * One point per entry of {@code classes} whose factor {@code k} has that class, the other factors
     * from the data distribution (the BetaVAE and FactorVAE scores' fixed factor).
     */
    Draw sampleWithFactor(int k, int[] classes, SplittableRandom rng);

    /** Points: {@code factors[i][k]} the class of factor k of point i, {@code codes[i]} its code. */
    record Draw(int[][] factors, double[][] codes) {
        public int n() {
            return factors.length;
        }

        /** Column {@code k} of the factors. */
        public int[] factor(int k) {
            int[] out = new int[factors.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = factors[i][k];
            }
            return out;
        }

        /** Column {@code j} of the codes. */
        public double[] code(int j) {
            double[] out = new double[codes.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = codes[i][j];
            }
            return out;
        }
    }
}
