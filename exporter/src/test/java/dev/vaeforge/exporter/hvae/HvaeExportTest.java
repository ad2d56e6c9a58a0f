package dev.vaeforge.exporter.hvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.exporter.ExportFixtures;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.model.LevelsHead;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.hvae.HvaeConfig;
import dev.vaeforge.trainer.hvae.LadderLoss;
import dev.vaeforge.trainer.hvae.LadderVae;
import dev.vaeforge.trainer.model.Likelihood;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hvae's three graphs: each parity-checked at export, and the runtime's hierarchy (encoder, top_down,
 * its own precision weighting, decoder) against the DJL block's inference pass on the same images.
 */
class HvaeExportTest {

    @Test
    void exportedHierarchyMatchesTheBlockLevelByLevel(@TempDir Path tmp) throws Exception {
        HvaeConfig cfg = new HvaeConfig(new Architecture(1, 16, 5, List.of(8, 16), Likelihood.BERNOULLI, 0),
                List.of(5, 3), null, null);
        int n = 4;
        float[] x = new float[n * 16 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7 % 23) / 22f;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            LadderVae block = new LadderVae(cfg);
            block.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16));
            ExportFixtures.randomiseParameters(block, 5);
            Path out = tmp.resolve("bundle");
            Exporter.Result r = Exporter.export(cfg, block, ExportFixtures.PROVENANCE, out, Exporter.Options.defaults());
            Manifest mf = r.manifest();
            assertEquals(java.util.Set.of("encoder", "top_down", "decoder"), mf.graphs().keySet());
            for (String g : mf.graphs().keySet()) {
                assertTrue(mf.parity().maxAbsError().get(g) <= 1e-4, g + " parity " + mf.parity().maxAbsError());
            }
            assertEquals(Manifest.Latent.LEVELS, mf.latent().kind());
            assertEquals(List.of("z2", "z1"), mf.latent().levels().stream().map(Manifest.Latent::name).toList());
            assertEquals(Manifest.Latent.PRECISION_WEIGHTED, mf.latent().inference());

            NDList o = block.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(n, 1, 16, 16))), false);
            float[] djlRecon = o.get(0).getNDArrayInternal().sigmoid().toFloatArray();
            try (VaeRuntime rt = VaeRuntime.open(out, Device.CPU, 3)) {
                assertEquals(List.of("z2", "z1"), rt.levels());
                assertClose(djlRecon, rt.reconstruct(x, n), 1e-4, "reconstruction through the posterior means");
                rt.selectLevel("z1");
                Posterior q1 = rt.encode(x, n);
                assertClose(o.get(1).toFloatArray(), q1.mu(), 1e-4, "mean of q(z1|z2 = mu2, x)");
                assertClose(o.get(2).toFloatArray(), q1.logvar(), 1e-4, "log-variance of q(z1|z2 = mu2, x)");
                rt.selectLevel("z2");
                Posterior q2 = rt.encode(x, n);
                assertClose(o.get(3).toFloatArray(), q2.mu(), 1e-4, "mean of q(z2|x)");
                assertEquals(3, rt.latentDim());
                LevelsHead head = rt.model().levels().orElseThrow();
                Posterior p = head.conditionalPrior(q2.mu(), n);
                assertClose(o.get(5).toFloatArray(), p.mu(), 1e-4, "p(z1|z2) mean");
                assertClose(o.get(6).toFloatArray(), p.logvar(), 1e-4, "p(z1|z2) log-variance");
                // the trainer's KL of level 1 at z2 = mu2 equals the runtime's from its own combination
                double djlKl1 = LadderLoss.klPerDimension(o.get(1), o.get(2), o.get(5), o.get(6)).sum().getFloat();
                double rtKl1 = 0;
                for (int k = 0; k < q1.mu().length; k++) {
                    double d = q1.mu()[k] - p.mu()[k];
                    rtKl1 += 0.5 * (p.logvar()[k] - q1.logvar()[k] + (Math.exp(q1.logvar()[k]) + d * d)
                            / Math.exp(p.logvar()[k]) - 1);
                }
                assertEquals(djlKl1, rtKl1, 1e-3 * Math.max(1, Math.abs(djlKl1)));
                assertEquals(5 * 16 * 16, rt.interpolate(slice(x, 0), slice(x, 1), 5).length, "interpolation at z2");
                assertEquals(2 * 3, rt.priorSamples(2, 1).length, "prior draws of z2");
                rt.selectLevel("z1");
                assertEquals(2 * 5, rt.priorSamples(2, 1).length, "ancestral draws of z1");
                float[] s = rt.sample(6, 3);
                for (float v : s) {
                    assertTrue(v >= 0 && v <= 1);
                }
                VaeforgeException e = assertThrows(VaeforgeException.class, () -> rt.selectLevel("z3"));
                assertTrue(e.getMessage().contains("level 'z3' is not a level of this bundle; its levels are z2 (top) "
                        + "and z1 (bottom)"), e.getMessage());
            }
        }
    }

    /** The precision-weighted combination of the runtime and of the block agree (and equal the closed form). */
    @Test
    void precisionWeightingAgreesWithTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] mh = {1f, -2f};
            float[] vh = {0f, (float) Math.log(4)};
            float[] mp = {3f, 0f};
            float[] vp = {(float) Math.log(3), 0f};
            NDList djl = LadderVae.precisionWeighted(m.create(mh), m.create(vh), m.create(mp), m.create(vp));
            Posterior rt = LevelsHead.precisionWeighted(new Posterior(mh, vh, 1, 2), new Posterior(mp, vp, 1, 2));
            // dim 0: precisions 1 and 1/3: variance 3/4, mean (1 + 3/3) * 3/4 = 1.5
            // dim 1: precisions 1/4 and 1: variance 4/5, mean (-2/4 + 0) * 4/5 = -0.4
            float[] mean = {1.5f, -0.4f};
            float[] logvar = {(float) Math.log(0.75), (float) Math.log(0.8)};
            assertArrayEquals(mean, rt.mu(), 1e-6f);
            assertArrayEquals(logvar, rt.logvar(), 1e-6f);
            assertArrayEquals(mean, djl.get(0).toFloatArray(), 1e-6f);
            assertArrayEquals(logvar, djl.get(1).toFloatArray(), 1e-6f);
        }
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + " [" + i + "]");
        }
    }

    private static float[] slice(float[] a, int item) {
        float[] out = new float[16 * 16];
        System.arraycopy(a, item * out.length, out, 0, out.length);
        return out;
    }
}
