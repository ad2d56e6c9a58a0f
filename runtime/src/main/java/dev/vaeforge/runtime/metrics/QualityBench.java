package dev.vaeforge.runtime.metrics;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.Arrays;
import java.util.Random;

/**
 * Micro benchmark: images/s of SSIM + GMSD (one session run per batch) with the default CPU options.
 * A main class, not a test, so that a busy build machine cannot fail the build. Usage:
 * {@code QualityBench [batch=64] [channels=3] [size=64] [seconds=10]}. Prints every round and the median
 * and best, because on a shared machine single rounds swing with other people's load.
 */
public final class QualityBench {
    private QualityBench() {
    }

    public static void main(String[] args) throws OrtException {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int channels = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        ImageShape shape = new ImageShape(channels, size, size);
        float[] a = new float[batch * shape.size()];
        float[] b = new float[a.length];
        Random rnd = new Random(42);
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat();
            b[i] = Math.min(1f, Math.max(0f, a[i] + 0.1f * (float) rnd.nextGaussian()));
        }
        try (ImageQualityMetrics m = new ImageQualityMetrics()) {
            for (int i = 0; i < 10; i++) {
                m.quality(a, b, batch, shape);
            }
            int rounds = 10;
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                long deadline = start + (long) (seconds / rounds * 1e9);
                int images = 0;
                do {
                    m.quality(a, b, batch, shape);
                    images += batch;
                } while (System.nanoTime() < deadline);
                rates[r] = images / ((System.nanoTime() - start) / 1e9);
                System.out.printf("round %d: %.0f images/s%n", r, rates[r]);
            }
            Arrays.sort(rates);
            System.out.printf("SSIM+GMSD %s batch %d, %d threads: median %.0f images/s, best %.0f images/s%n",
                    shape, batch, Runtime.getRuntime().availableProcessors(), rates[rounds / 2], rates[rounds - 1]);
        }
    }
}
