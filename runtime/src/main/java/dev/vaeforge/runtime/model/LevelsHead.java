package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A latent of two Gaussian vector levels ({@code latent.kind: levels}, inference precision-weighted),
 * top level t above bottom level b, as the manifest describes them:
 * <ul>
 * <li>{@code encoder}: image -> (mean, logvar) of each level: q(z_t|x) for the top, the bottom-up estimate
 *     (m_b, v_b) for the bottom;
 * <li>{@code top_down}: z_t -> p(z_b|z_t) = N(m_p, exp(v_p));
 * <li>q(z_b|z_t, x) by precision weighting: variance 1 / (e^-v_b + e^-v_p), mean
 *     (m_b e^-v_b + m_p e^-v_p) times that variance;
 * <li>{@code decoder}: z_b -> image.
 * </ul>
 * Point estimates ("posterior means through the hierarchy") take z_t = its posterior mean, then the mean of
 * q(z_b|z_t, x). Prior draws ({@link Prior.Draw}) hold [z_t ~ N(0, I), then the bottom level's standard-normal
 * noise]: ancestral sampling z_b = m_p(z_t) + exp(v_p(z_t) / 2) eps.
 */
public final class LevelsHead implements LatentHead {
    private final ModelSessions sessions;
    private final Decoder decoder;
    private final PixelMapping pixels;
    private final int maxBatch;
    private final Manifest.Latent top;
    private final Manifest.Latent bottom;
    private final Manifest.Graph encoder;
    private final Manifest.Graph topDown;

    LevelsHead(ModelSessions sessions, Decoder decoder, PixelMapping pixels, int maxBatch) {
        this.sessions = sessions;
        this.decoder = decoder;
        this.pixels = pixels;
        this.maxBatch = maxBatch;
        List<Manifest.Latent> levels = sessions.manifest().latent().levels();
        this.top = levels.get(0);
        this.bottom = levels.get(levels.size() - 1);
        this.encoder = sessions.has(GraphRole.ENCODER) ? sessions.graph(GraphRole.ENCODER) : null;
        this.topDown = sessions.graph(GraphRole.TOP_DOWN);
    }

    /** The level names, top first. */
    public List<String> levelNames() {
        return List.of(top.name(), bottom.name());
    }

    /** Values per item of the level {@code name}. */
    public int size(String name) {
        return level(name).size();
    }

    /** The top level's size. */
    public int topSize() {
        return top.size();
    }

    /** The bottom level's size (the decoder's latent). */
    public int bottomSize() {
        return bottom.size();
    }

    /** The bottom level's name. */
    public String bottomName() {
        return bottom.name();
    }

    /** The top level's name. */
    public String topName() {
        return top.name();
    }

    /**
     * The level called {@code name}.
     *
     * @throws VaeforgeException BAD_INPUT naming the levels there are
     */
    public Manifest.Latent level(String name) {
        if (top.name().equals(name)) {
            return top;
        }
        if (bottom.name().equals(name)) {
            return bottom;
        }
        throw VaeforgeException.badParameter("level '" + name + "' is not a level of this bundle; its levels are "
                + top.name() + " (top) and " + bottom.name() + " (bottom)", "level");
    }

    @Override
    public boolean canEncode() {
        return encoder != null;
    }

    /** The encoder's outputs for {@code n} images: q(z_t|x) and the bottom level's bottom-up estimate. */
    public record BottomUp(Posterior top, Posterior bottomEstimate) {
    }

    /** Runs the encoder on {@code n} images in [0, 1]. */
    public BottomUp bottomUp(float[] images, int n) {
        TensorSpec image = encoder.input(TensorRole.IMAGE).orElseThrow();
        TensorSpec mt = encoder.output(TensorRole.LATENT_MEAN, top.name()).orElseThrow();
        TensorSpec lt = encoder.output(TensorRole.LATENT_LOGVAR, top.name()).orElseThrow();
        TensorSpec mb = encoder.output(TensorRole.LATENT_MEAN, bottom.name()).orElseThrow();
        TensorSpec lb = encoder.output(TensorRole.LATENT_LOGVAR, bottom.name()).orElseThrow();
        Set<String> outs = new LinkedHashSet<>(List.of(mt.name(), lt.name(), mb.name(), lb.name()));
        int dt = top.size();
        int db = bottom.size();
        int per = Decoder.perItem(image.shape());
        float[][] r = {new float[n * dt], new float[n * dt], new float[n * db], new float[n * db]};
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = new HashMap<>();
            in.put(image.name(), Tensor.of(pixels.toGraph(Chunks.slice(images, from, b, per)), Decoder.batch(image.shape(), b)));
            try (ModelSessions.Outputs o = sessions.run(GraphRole.ENCODER, in, outs)) {
                System.arraycopy(o.floats(mt.name()), 0, r[0], from * dt, b * dt);
                System.arraycopy(o.floats(lt.name()), 0, r[1], from * dt, b * dt);
                System.arraycopy(o.floats(mb.name()), 0, r[2], from * db, b * db);
                System.arraycopy(o.floats(lb.name()), 0, r[3], from * db, b * db);
            }
        });
        return new BottomUp(new Posterior(r[0], r[1], n, dt), new Posterior(r[2], r[3], n, db));
    }

    /** p(z_b | z_t) for {@code n} top-level latents [n, top size]: graph top_down. */
    public Posterior conditionalPrior(float[] zTop, int n) {
        TensorSpec z = topDown.input(TensorRole.LATENT, top.name()).orElseThrow();
        TensorSpec m = topDown.output(TensorRole.PRIOR_MEAN, bottom.name()).orElseThrow();
        TensorSpec l = topDown.output(TensorRole.PRIOR_LOGVAR, bottom.name()).orElseThrow();
        int dt = top.size();
        int db = bottom.size();
        float[] mu = new float[n * db];
        float[] lv = new float[n * db];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = Map.of(z.name(), Tensor.of(Chunks.slice(zTop, from, b, dt), b, dt));
            try (ModelSessions.Outputs o = sessions.run(GraphRole.TOP_DOWN, in, new LinkedHashSet<>(List.of(m.name(), l.name())))) {
                System.arraycopy(o.floats(m.name()), 0, mu, from * db, b * db);
                System.arraycopy(o.floats(l.name()), 0, lv, from * db, b * db);
            }
        });
        return new Posterior(mu, lv, n, db);
    }

    /**
     * The precision-weighted product of two diagonal Gaussians, renormalised: log-variance
     * -logaddexp(-v1, -v2) and mean (m1 e^-v1 + m2 e^-v2) / (e^-v1 + e^-v2), in double precision.
     */
    public static Posterior precisionWeighted(Posterior estimate, Posterior prior) {
        int len = estimate.mu().length;
        float[] mu = new float[len];
        float[] lv = new float[len];
        for (int k = 0; k < len; k++) {
            double a = -estimate.logvar()[k];
            double b = -prior.logvar()[k];
            double m = Math.max(a, b);
            double logPrecision = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
            lv[k] = (float) -logPrecision;
            mu[k] = (float) (estimate.mu()[k] * Math.exp(a - logPrecision) + prior.mu()[k] * Math.exp(b - logPrecision));
        }
        return new Posterior(mu, lv, estimate.n(), estimate.dim());
    }

    /** q(z_b | z_t, x) given the encoder's outputs and top-level latents {@code zTop} of the same images. */
    public Posterior bottomPosterior(BottomUp up, float[] zTop) {
        return precisionWeighted(up.bottomEstimate(), conditionalPrior(zTop, up.top().n()));
    }

    /**
     * The posterior at level {@code name} for {@code n} images: q(z_t|x) at the top; at the bottom
     * q(z_b | z_t = mean of q(z_t|x), x).
     */
    public Posterior encode(float[] images, int n, String name) {
        BottomUp up = bottomUp(images, n);
        return level(name) == top ? up.top() : bottomPosterior(up, up.top().mu());
    }

    /** Images from latents of level {@code name} [n, size]: a top-level latent goes through the mean of p(z_b|z_t). */
    public float[] decode(float[] z, int n, String name) {
        if (level(name) == bottom) {
            return decoder.decode(z, null, n);
        }
        return decoder.decode(conditionalPrior(z, n).mu(), null, n);
    }

    /**
     * Reconstructions by the posterior means through the hierarchy; the posterior reported is both levels'
     * [n, bottom + top] (bottom first; the bottom's with z_t at its mean), for the active units.
     */
    @Override
    public Reconstruction reconstruct(float[] images, float[] y, int n) {
        BottomUp up = bottomUp(images, n);
        Posterior qb = bottomPosterior(up, up.top().mu());
        return new Reconstruction(decoder.decode(qb.mu(), null, n), joined(qb, up.top()), null);
    }

    /** Both levels' posteriors side by side per item: [n, dim a + dim b], a first. */
    public static Posterior joined(Posterior a, Posterior b) {
        int n = a.n();
        int d = a.dim() + b.dim();
        float[] mu = new float[n * d];
        float[] lv = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a.mu(), i * a.dim(), mu, i * d, a.dim());
            System.arraycopy(a.logvar(), i * a.dim(), lv, i * d, a.dim());
            System.arraycopy(b.mu(), i * b.dim(), mu, i * d + a.dim(), b.dim());
            System.arraycopy(b.logvar(), i * b.dim(), lv, i * d + a.dim(), b.dim());
        }
        return new Posterior(mu, lv, n, d);
    }

    /** Ancestral samples from draws [n, top + bottom]: z_t, then the bottom level's standard-normal noise. */
    @Override
    public float[] decode(Prior.Draw draw, float[] y) {
        return decoder.decode(priorDraws(draw, bottom.name()), null, draw.n());
    }

    /**
     * Latents of level {@code name} from prior draws [n, top + bottom] ({@link AncestralPrior}): the top level's
     * z_t as drawn, or the bottom level's ancestral z_b = m_p(z_t) + exp(v_p(z_t) / 2) eps.
     */
    public float[] priorDraws(Prior.Draw draw, String name) {
        int n = draw.n();
        int dt = top.size();
        int db = bottom.size();
        float[] v = draw.latents();
        float[] zt = new float[n * dt];
        for (int i = 0; i < n; i++) {
            System.arraycopy(v, i * (dt + db), zt, i * dt, dt);
        }
        if (level(name) == top) {
            return zt;
        }
        Posterior p = conditionalPrior(zt, n);
        float[] zb = new float[n * db];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < db; j++) {
                int k = i * db + j;
                zb[k] = (float) (p.mu()[k] + Math.exp(0.5 * p.logvar()[k]) * v[i * (dt + db) + dt + j]);
            }
        }
        return zb;
    }

    /** {@code steps} images along the line between the posterior means of {@code a} and {@code b} at level {@code name}. */
    public float[] interpolate(float[] a, float[] b, int steps, String name) {
        float[] both = new float[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        float[] mu = encode(both, 2, name).mu();
        int d = level(name).size();
        float[] z = new float[steps * d];
        for (int s = 0; s < steps; s++) {
            float t = s / (float) (steps - 1);
            for (int j = 0; j < d; j++) {
                z[s * d + j] = (1 - t) * mu[j] + t * mu[d + j];
            }
        }
        return decode(z, steps, name);
    }

    @Override
    public String reconstructionText() {
        return "decoder(mean of q(" + bottom.name() + "|" + top.name() + ", x)) with " + top.name()
                + " = mean of q(" + top.name() + "|x)";
    }

    @Override
    public String sampleCheckText() {
        return "its reconstruction through the hierarchy's posterior means";
    }

    @Override
    public String noKlReason() {
        return null;
    }
}
