package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A learned prior carried by two of the bundle's graphs (manifest prior type {@code graphs}), e.g. a
 * normalising flow: draws are z = prior_sample(z*) with z* ~ N(0, I) drawn here from the caller's
 * seeded random source, and log p(z) is prior_log_prob(z). Both run in chunks of at most the model's
 * batch. No closed-form KL: the evaluator uses the Monte-Carlo term log q(z|x) - log p(z).
 */
public final class GraphPrior implements Prior {
    private final ModelSessions sessions;
    private final int size;
    private final int maxBatch;
    private final String name;
    private final TensorSpec noise;
    private final TensorSpec sampled;
    private final TensorSpec latent;
    private final TensorSpec logProb;

    GraphPrior(ModelSessions sessions, int maxBatch) {
        this.sessions = sessions;
        this.size = sessions.manifest().latent().size();
        this.maxBatch = maxBatch;
        this.name = sessions.manifest().prior().name();
        Manifest.Graph s = sessions.graph(GraphRole.PRIOR_SAMPLE);
        Manifest.Graph l = sessions.graph(GraphRole.PRIOR_LOG_PROB);
        this.noise = s.input(TensorRole.NOISE).orElseThrow();
        this.sampled = s.output(TensorRole.LATENT).orElseThrow();
        this.latent = l.input(TensorRole.LATENT).orElseThrow();
        this.logProb = l.output(TensorRole.LOG_PROB).orElseThrow();
    }

    @Override
    public String type() {
        return Manifest.Prior.GRAPHS;
    }

    @Override
    public String id() {
        return Manifest.Prior.GRAPHS;
    }

    @Override
    public String description() {
        return describe(name);
    }

    /** How one draw is made, from the manifest's prior name alone (for inspect). */
    static String describe(String name) {
        return "z = prior_sample(z*), z* ~ N(0, I): the bundle's learned prior" + (name == null ? "" : ", " + name);
    }

    @Override
    public String notation() {
        return "p_lambda(z) (" + (name == null ? "the prior_log_prob graph" : name) + ")";
    }

    @Override
    public Draw sample(int n, Random random) {
        float[] eps = new float[n * size];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) random.nextGaussian();
        }
        float[] z = new float[n * size];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = Map.of(noise.name(), Tensor.of(Chunks.slice(eps, from, b, size), b, size));
            try (ModelSessions.Outputs r = sessions.run(GraphRole.PRIOR_SAMPLE, in, Set.of(sampled.name()))) {
                System.arraycopy(r.floats(sampled.name()), 0, z, from * size, b * size);
            }
        });
        return new Draw(z, null, n);
    }

    @Override
    public boolean hasDensity() {
        return true;
    }

    @Override
    public double[] logDensity(float[] z, int n) {
        Prior.checkLatents(z, n, size);
        double[] out = new double[n];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = Map.of(latent.name(), Tensor.of(Chunks.slice(z, from, b, size), b, size));
            try (ModelSessions.Outputs r = sessions.run(GraphRole.PRIOR_LOG_PROB, in, Set.of(logProb.name()))) {
                float[] lp = r.floats(logProb.name());
                for (int i = 0; i < b; i++) {
                    out[from + i] = lp[i];
                }
            }
        });
        return out;
    }
}
