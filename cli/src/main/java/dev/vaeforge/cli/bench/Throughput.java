package dev.vaeforge.cli.bench;

/** Times a call repeatedly for at least a minimum time and reports items (images, multiplies) per second. */
public final class Throughput {
    /** One timed call. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    private final double minSeconds;

    public Throughput(double minSeconds) {
        this.minSeconds = minSeconds;
    }

    /** Items/s of {@code call}: two untimed calls, then at least 3 calls and the minimum time. */
    public double perSecond(Call call, int itemsPerCall) throws Exception {
        call.run();
        call.run();
        long start = System.nanoTime();
        long calls = 0;
        double el;
        do {
            call.run();
            calls++;
            el = (System.nanoTime() - start) / 1e9;
        } while (calls < 3 || el < minSeconds);
        return itemsPerCall * calls / el;
    }
}
