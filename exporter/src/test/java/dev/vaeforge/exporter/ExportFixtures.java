package dev.vaeforge.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.bundle.Manifest;
import java.util.Map;
import java.util.Random;

/** What the exporter's tests share: a provenance, seeded weights, and the runtime-reopen gate. */
public final class ExportFixtures {
    public static final Manifest.Provenance PROVENANCE = new Manifest.Provenance(Map.of("family", "vae"), "test", "abc", 1,
            2, Map.of("loss", 1.0), 7, Map.of(), "17", "linux", "amd64", null);

    private ExportFixtures() {
    }

    /** Replaces every parameter with seeded noise, so a transposed or mis-ordered weight cannot pass. */
    public static void randomiseParameters(Block block, long seed) {
        Random r = new Random(seed);
        block.getParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            boolean variance = p.getKey().endsWith("runningVar");
            for (int i = 0; i < v.length; i++) {
                v[i] = variance ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.5f;
            }
            a.set(v);
        });
    }
}
