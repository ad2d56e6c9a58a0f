package dev.vaeforge.trainer.family;

import dev.vaeforge.runtime.data.ImageDataset;

/**
 * What {@link Family#configure} may consult besides the parameter values.
 *
 * @param dataset the whole dataset the run trains on (a cvae takes its class or attribute names from it)
 * @param epochs the run's length, the default length of a family's schedules
 * @param batchSize images per training step (a family whose step grows with a parameter, such as the
 *     number of importance samples, checks what that step would need)
 */
public record FamilyContext(ImageDataset dataset, int epochs, int batchSize) {
    public FamilyContext {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be >= 1, got " + epochs + " and " + batchSize);
        }
    }
}
