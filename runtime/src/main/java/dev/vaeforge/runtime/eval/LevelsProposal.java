package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.model.LevelsHead;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.Random;

/**
 * Importance sampling's proposal for a latent of two levels: per draw z_t ~ q(z_t|x) (top), then
 * z_b ~ q(z_b|z_t, x) (bottom, precision-weighted with p(z_b|z_t) from graph top_down), the top level's
 * d_t standard-normal numbers first, then the bottom's d_b; log p = log N(z_t; 0, I) + log p(z_b|z_t) and
 * log q = log q(z_t|x) + log q(z_b|z_t, x). The decoder receives z_b. Also the single draw of the ELBO
 * ({@link #elbo}).
 */
final class LevelsProposal implements ImportanceSampling.Proposal {
    private final LevelsHead head;
    private final LevelsHead.BottomUp up;

    LevelsProposal(LevelsHead head, LevelsHead.BottomUp up) {
        this.head = head;
        this.up = up;
    }

    @Override
    public int latentSize() {
        return head.bottomSize();
    }

    /** One draw per image of both levels, with each level's closed-form KL given that draw. */
    record Draw(float[] zBottom, double[] klTop, double[] klBottom) {
    }

    @Override
    public void draw(int first, int images, int draws, Random[] rngs, float[] z, double[] logP, double[] logQ) {
        int dt = head.topSize();
        int db = head.bottomSize();
        int m = images * draws;
        float[] zt = new float[m * dt];
        double[][] eb = new double[m][db];
        Posterior qt = up.top();
        double[] logQt = new double[m];
        for (int i = 0; i < images; i++) {
            Random r = rngs[first + i];
            for (int s = 0; s < draws; s++) {
                int row = i * draws + s;
                for (int j = 0; j < dt; j++) {
                    int k = (first + i) * dt + j;
                    zt[row * dt + j] = (float) (qt.mu()[k] + Math.exp(0.5 * qt.logvar()[k]) * r.nextGaussian());
                }
                for (int j = 0; j < db; j++) {
                    eb[row][j] = r.nextGaussian();
                }
                logQt[row] = ImportanceSampling.gaussianLogDensity(zt, row * dt, qt.mu(), qt.logvar(), (first + i) * dt, dt);
            }
        }
        Posterior prior = head.conditionalPrior(zt, m);
        Posterior est = up.bottomEstimate();
        float[] em = new float[m * db];
        float[] ev = new float[m * db];
        for (int i = 0; i < images; i++) {
            for (int s = 0; s < draws; s++) {
                System.arraycopy(est.mu(), (first + i) * db, em, (i * draws + s) * db, db);
                System.arraycopy(est.logvar(), (first + i) * db, ev, (i * draws + s) * db, db);
            }
        }
        Posterior qb = LevelsHead.precisionWeighted(new Posterior(em, ev, m, db), prior);
        for (int row = 0; row < m; row++) {
            for (int j = 0; j < db; j++) {
                int k = row * db + j;
                z[k] = (float) (qb.mu()[k] + Math.exp(0.5 * qb.logvar()[k]) * eb[row][j]);
            }
            double std = ImportanceSampling.STANDARD_NORMAL.logProbability(zt, row * dt, dt);
            logP[row] = std + ImportanceSampling.gaussianLogDensity(z, row * db, prior.mu(), prior.logvar(), row * db, db);
            logQ[row] = logQt[row] + ImportanceSampling.gaussianLogDensity(z, row * db, qb.mu(), qb.logvar(), row * db, db);
        }
    }

    /**
     * The ELBO's draw for each image (one draw, seeded by (seed, image index)) with the closed-form KL of each
     * level: KL(q(z_t|x) || N(0, I)) and KL(q(z_b|z_t, x) || p(z_b|z_t)) at the drawn z_t.
     */
    Draw elbo(long seed, int[] indices) {
        int n = up.top().n();
        int dt = head.topSize();
        int db = head.bottomSize();
        Random[] rngs = new Random[n];
        for (int i = 0; i < n; i++) {
            rngs[i] = new Random(seed * 1_000_003L + indices[i]);
        }
        Posterior qt = up.top();
        float[] zt = new float[n * dt];
        double[][] eb = new double[n][db];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dt; j++) {
                int k = i * dt + j;
                zt[k] = (float) (qt.mu()[k] + Math.exp(0.5 * qt.logvar()[k]) * rngs[i].nextGaussian());
            }
            for (int j = 0; j < db; j++) {
                eb[i][j] = rngs[i].nextGaussian();
            }
        }
        Posterior prior = head.conditionalPrior(zt, n);
        Posterior qb = LevelsHead.precisionWeighted(up.bottomEstimate(), prior);
        float[] zb = new float[n * db];
        double[] klTop = dev.vaeforge.runtime.metrics.PixelMetrics.kl(qt.mu(), qt.logvar(), n, dt);
        double[] klBottom = new double[n];
        for (int i = 0; i < n; i++) {
            double kl = 0;
            for (int j = 0; j < db; j++) {
                int k = i * db + j;
                zb[k] = (float) (qb.mu()[k] + Math.exp(0.5 * qb.logvar()[k]) * eb[i][j]);
                kl += gaussianKl(qb.mu()[k], qb.logvar()[k], prior.mu()[k], prior.logvar()[k]);
            }
            klBottom[i] = kl;
        }
        return new Draw(zb, klTop, klBottom);
    }

    /** KL(N(m, e^v) || N(pm, e^pv)) of one dimension: 1/2 (pv - v + (e^v + (m - pm)^2) / e^pv - 1). */
    static double gaussianKl(double m, double v, double pm, double pv) {
        double d = m - pm;
        return 0.5 * (pv - v + (Math.exp(v) + d * d) / Math.exp(pv) - 1);
    }
}
