package dev.vaeforge.trainer.family;

import dev.vaeforge.runtime.data.ImageDataset;

/**
 * What {@link Family#configure} may consult besides the parameter values.
 *
 * @param dataset the whole dataset the run trains on (a cvae takes its class or attribute names from it)
 * @param epochs the run's length, the default length of a family's schedules
 */
public record FamilyContext(ImageDataset dataset, int epochs) {
}
