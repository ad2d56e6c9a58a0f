package dev.vaeforge.runtime.disentangle;

/** The code of an image with the given factor classes: render it and encode it, or (tests) anything else. */
@FunctionalInterface
public interface Representation {
    /** One code per row of {@code factors} (n x K classes), each of the same width. */
    double[][] codes(int[][] factors);
}
