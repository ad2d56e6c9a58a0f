package dev.vaeforge.exporter.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.exporter.ExportFixtures;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.prior.CouplingFlow;
import dev.vaeforge.trainer.prior.PriorSpec;
import dev.vaeforge.trainer.prior.PriorTerms;
import dev.vaeforge.trainer.vae.ConvVae;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow prior through export: its two graphs with parity recorded, the runtime's prior chosen from the
 * manifest, its density and its draws equal to the DJL flow's, and the trainer's Monte-Carlo KL equal to
 * log q(z|x) minus the runtime's graph density.
 */
class FlowPriorExportTest {
    private static final int D = 5;
    private static final int N = 9;

    @Test
    void theFlowTravelsAsGraphsAndTheRuntimeDensityIsTheTrainers(@TempDir Path tmp) {
        Architecture arch = new Architecture(1, 16, D, List.of(8, 16), Likelihood.BERNOULLI, 0)
                .withPrior(PriorSpec.of("flow", 0, 3, 12));
        VaeConfig cfg = new VaeConfig(arch);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(cfg);
            vae.initialize(m, DataType.FLOAT32, vae.inputShape(2));
            ExportFixtures.randomiseParameters(vae, 8); // the heads too: the flow is far from the identity
            Path out = tmp.resolve("bundle");
            Exporter.Result r = Exporter.export(cfg, vae, ExportFixtures.PROVENANCE, out, Exporter.Options.defaults());
            Manifest mf = r.manifest();
            assertEquals(java.util.Set.of("encoder", "decoder", "prior_log_prob", "prior_sample"), mf.graphs().keySet());
            assertEquals(Manifest.Prior.GRAPHS, mf.prior().type());
            assertEquals("RealNVP flow (3 affine coupling layers, hidden 12)", mf.prior().name());
            assertTrue(mf.parity().maxAbsError().get("prior_log_prob") <= 1e-4, mf.parity().toString());
            assertTrue(mf.parity().maxAbsError().get("prior_sample") <= 1e-4, mf.parity().toString());

            Random rnd = new Random(3);
            float[] mu = new float[N * D];
            float[] lv = new float[N * D];
            float[] z = new float[N * D];
            for (int i = 0; i < z.length; i++) {
                mu[i] = (float) rnd.nextGaussian();
                lv[i] = (float) (-0.5 + 0.3 * rnd.nextGaussian());
                z[i] = (float) (mu[i] + Math.exp(0.5 * lv[i]) * rnd.nextGaussian());
            }
            CouplingFlow flow = vae.priorFlow();
            ParameterStore ps = new ParameterStore(m, false);
            NDArray zs = m.create(z, new Shape(N, D));
            NDArray logPrior = flow.logDensityPerDimension(ps, zs, false, null);
            float[] trainerKl = PriorTerms.flowKl(zs, m.create(mu, new Shape(N, D)), m.create(lv, new Shape(N, D)),
                    logPrior).perImage().toFloatArray();
            float[] djlLogP = logPrior.sum(new int[] {1}).toFloatArray();
            long seed = 17;
            Random noise = new Random(seed);
            float[] eps = new float[N * D];
            for (int i = 0; i < eps.length; i++) {
                eps[i] = (float) noise.nextGaussian();
            }
            float[] djlDraws = flow.inverse(ps, m.create(eps, new Shape(N, D)), false, null).toFloatArray();

            // a max batch of 4 makes the runtime chunk both graphs
            try (VaeRuntime rt = VaeRuntime.open(out, Device.CPU, 4)) {
                Prior p = rt.prior();
                assertEquals(Manifest.Prior.GRAPHS, p.type());
                assertTrue(p.hasDensity());
                assertFalse(p.closedFormKl());
                assertTrue(p.description().contains("RealNVP flow"), p.description());
                double[] logp = p.logDensity(z, N);
                for (int i = 0; i < N; i++) {
                    assertEquals(djlLogP[i], logp[i], 1e-4, "log p(z_" + i + ")");
                    double logq = 0;
                    for (int d = 0; d < D; d++) {
                        int k = i * D + d;
                        double e = (z[k] - mu[k]) / Math.exp(0.5 * lv[k]);
                        logq += -0.5 * (e * e + lv[k] + Math.log(2 * Math.PI));
                    }
                    assertEquals(logq - logp[i], trainerKl[i], 2e-4, "KL of image " + i);
                }
                float[] draws = p.sample(N, new Random(seed)).latents();
                for (int i = 0; i < draws.length; i++) {
                    assertEquals(djlDraws[i], draws[i], 1e-4, "draw value " + i);
                }
                // the draws are the flow's, not N(0, I)'s
                double moved = 0;
                for (int i = 0; i < draws.length; i++) {
                    moved = Math.max(moved, Math.abs(draws[i] - eps[i]));
                }
                assertTrue(moved > 0.1, "the flow moves its noise: " + moved);
                assertEquals(4 * 16 * 16, rt.sample(4, 1).length, "sample decodes the flow's draws");
            }
        }
    }
}
