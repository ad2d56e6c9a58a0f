package dev.vaeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vaeforge.runtime.bundle.TinyBundles;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One VaeRuntime shared by 8 threads gives exactly what sequential calls give. */
class VaeRuntimeConcurrencyTest {
    @Test
    void eightThreadsMatchSequentialResults(@TempDir Path tmp) throws Exception {
        TinyBundles.write(tmp.resolve("b"));
        int per = TinyBundles.C * TinyBundles.H * TinyBundles.W;
        int tasks = 64;
        float[][] inputs = new float[tasks][];
        Random r = new Random(9);
        for (int t = 0; t < tasks; t++) {
            inputs[t] = new float[(1 + t % 5) * per];
            for (int i = 0; i < inputs[t].length; i++) {
                inputs[t][i] = r.nextFloat();
            }
        }
        try (VaeRuntime rt = VaeRuntime.open(tmp.resolve("b"), Device.CPU, 2)) {
            float[][] expected = new float[tasks][];
            for (int t = 0; t < tasks; t++) {
                expected[t] = rt.reconstruct(inputs[t], inputs[t].length / per);
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    float[] in = inputs[t];
                    results.add(pool.submit(() -> rt.reconstruct(in, in.length / per)));
                }
                for (int t = 0; t < tasks; t++) {
                    assertArrayEquals(expected[t], results.get(t).get(), "task " + t);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
