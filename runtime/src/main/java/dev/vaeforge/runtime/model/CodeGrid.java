package dev.vaeforge.runtime.model;

/** Code grids of {@code n} items: indices [n, h, w] and their codebook vectors z_q [n, D, h, w]. */
public record CodeGrid(long[] indices, float[] zq, int n) {
}
