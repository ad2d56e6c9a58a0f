package dev.vaeforge.runtime.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The empirical code prior of a code-grid bundle ({@code code_prior.json}): for each position of the
 * h x w code grid (row-major), how many training images the quantizer mapped to each of the K codes
 * at export. Sampling draws each position's code independently from its row (a factorised prior; the
 * paper fits an autoregressive PixelCNN prior, which vaeforge does not have). Counts, not
 * probabilities, so the file is exact and says how much data it rests on.
 *
 * @param images the number of images counted
 * @param counts [h * w][K]
 */
public record CodePrior(int codebookSize, int height, int width, long images, List<long[]> counts) {
    public static final String FILE = "code_prior.json";

    public CodePrior {
        if (codebookSize < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("code prior needs positive codebookSize, height and width");
        }
        if (counts == null || counts.size() != height * width) {
            throw new IllegalArgumentException("code prior has " + (counts == null ? 0 : counts.size())
                    + " positions, expected " + height + " x " + width);
        }
        for (long[] row : counts) {
            if (row == null || row.length != codebookSize) {
                throw new IllegalArgumentException("each position of the code prior needs " + codebookSize + " counts");
            }
            long sum = 0;
            for (long c : row) {
                if (c < 0) {
                    throw new IllegalArgumentException("code prior counts must be >= 0");
                }
                sum += c;
            }
            if (sum != images) {
                throw new IllegalArgumentException("a position of the code prior counts " + sum + " codes, expected "
                        + images + " (one per image)");
            }
        }
        if (images < 1) {
            throw new IllegalArgumentException("code prior counts no images");
        }
    }

    /** Counts every position's code over {@code indices} [n, h, w]. */
    public static CodePrior fit(long[] indices, int n, int codebookSize, int height, int width) {
        int positions = height * width;
        if (indices.length != (long) n * positions) {
            throw new IllegalArgumentException("expected " + n + " x " + positions + " indices, got " + indices.length);
        }
        List<long[]> counts = new ArrayList<>(positions);
        for (int p = 0; p < positions; p++) {
            counts.add(new long[codebookSize]);
        }
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < positions; p++) {
                counts.get(p)[(int) indices[i * positions + p]]++;
            }
        }
        return new CodePrior(codebookSize, height, width, n, counts);
    }

    /** {@code n} code grids [n, h, w], each position drawn from its empirical distribution. */
    public long[] sample(int n, Random r) {
        int positions = height * width;
        long[] out = new long[n * positions];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < positions; p++) {
                long[] row = counts.get(p);
                long u = (long) (r.nextDouble() * images);
                int k = 0;
                for (long acc = row[0]; acc <= u && k < codebookSize - 1; acc += row[++k]) {
                    // walk the cumulative counts to the code whose interval holds u
                }
                out[i * positions + p] = k;
            }
        }
        return out;
    }
}
