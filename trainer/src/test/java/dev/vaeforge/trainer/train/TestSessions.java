package dev.vaeforge.trainer.train;

import ai.djl.Device;
import dev.vaeforge.trainer.loss.Objective;

/** Sessions with a test objective, for tests outside this package. */
public final class TestSessions {
    private TestSessions() {
    }

    public static TrainingSession withObjective(TrainConfig config, Objective objective) {
        return new TrainingSession(config, Device.cpu(), objective);
    }
}
