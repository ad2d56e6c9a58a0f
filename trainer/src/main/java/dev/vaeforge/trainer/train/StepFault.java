package dev.vaeforge.trainer.train;

import java.util.Locale;

/**
 * Where and what a numerical fault was.
 *
 * @param step the optimiser step that was refused (1-based: the step it would have been)
 * @param epoch the epoch of the batch (1-based)
 * @param batch the batch within the epoch (1-based)
 * @param family the model family id
 * @param where "loss term 'kl'" or "gradient of parameter 'encoder_...'"
 * @param value the offending value ("NaN", "Infinity", "-Infinity")
 */
public record StepFault(long step, int epoch, int batch, String family, String where, String value) {

    /** One line for people and logs. */
    public String describe() {
        return String.format(Locale.ROOT, "step %d (epoch %d, batch %d) of family '%s': %s is %s", step, epoch, batch,
                family, where, value);
    }
}
