package dev.vaeforge.trainer.train;

/**
 * The engine seed of each training batch. The engine's generator (reparameterisation noise, and any
 * other randomness a family draws in its forward pass) is reseeded before every batch from
 * (run seed, epoch, batch), so the noise of a batch does not depend on what ran before it in this
 * process. That makes a resumed run draw exactly the noise the uninterrupted run drew, without
 * reading the generator's state, which DJL does not expose (decision 0008).
 */
public final class StepNoise {
    private StepNoise() {
    }

    /** A well-mixed 32-bit seed (SplitMix64 finaliser) for batch {@code batch} of {@code epoch}. */
    public static int seed(long runSeed, int epoch, int batch) {
        long z = runSeed * 0x9E3779B97F4A7C15L + ((long) epoch << 32) + batch + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32));
    }
}
