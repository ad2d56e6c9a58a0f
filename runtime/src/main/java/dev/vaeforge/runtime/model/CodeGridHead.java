package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import java.util.Map;
import java.util.Set;

/**
 * A latent that is a grid of codebook indices: the encoder gives the continuous grid z_e [N, D, h, w],
 * the quantizer graph the nearest code of every position, its vector and the codebook [K, D], and the
 * decoder maps quantised grids z_q back to images.
 */
public final class CodeGridHead implements LatentHead {
    private final ModelSessions sessions;
    private final Decoder decoder;
    private final PixelMapping pixels;
    private final int maxBatch;
    private final int codeDim;
    private final int positions;
    private final int codebookSize;
    private final long[] gridShape;
    private volatile float[] codebook;

    CodeGridHead(ModelSessions sessions, Decoder decoder, PixelMapping pixels, int maxBatch) {
        this.sessions = sessions;
        this.decoder = decoder;
        this.pixels = pixels;
        this.maxBatch = maxBatch;
        Manifest.Latent l = sessions.manifest().latent();
        this.codeDim = l.codeDim();
        this.positions = l.size();
        this.codebookSize = l.codebookSize();
        long[] s = l.shape();
        this.gridShape = new long[] {-1, codeDim, s[0], s[1]};
    }

    public int codeDim() {
        return codeDim;
    }

    /** Grid positions per item, h * w. */
    public int positions() {
        return positions;
    }

    public int codebookSize() {
        return codebookSize;
    }

    /** Values per item of z_e and z_q: D * h * w. */
    public int gridSize() {
        return codeDim * positions;
    }

    @Override
    public boolean canEncode() {
        return sessions.has(GraphRole.ENCODER);
    }

    /** The encoder's z_e [n, D, h, w] for {@code n} images in [0, 1]. */
    public float[] encodeGrid(float[] images, int n) {
        Manifest.Graph g = sessions.graph(GraphRole.ENCODER);
        TensorSpec image = g.input(TensorRole.IMAGE).orElseThrow();
        String out = g.output(TensorRole.LATENT_UNQUANTIZED).orElseThrow().name();
        int per = Decoder.perItem(image.shape());
        float[] ze = new float[n * gridSize()];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = Map.of(image.name(),
                    Tensor.of(pixels.toGraph(Chunks.slice(images, from, b, per)), Decoder.batch(image.shape(), b)));
            try (ModelSessions.Outputs r = sessions.run(GraphRole.ENCODER, in, Set.of(out))) {
                System.arraycopy(r.floats(out), 0, ze, from * gridSize(), b * gridSize());
            }
        });
        return ze;
    }

    /** The quantizer on z_e [n, D, h, w]: the nearest code of every position and its vector. */
    public CodeGrid quantize(float[] ze, int n) {
        Manifest.Graph g = sessions.graph(GraphRole.QUANTIZER);
        String in = g.input(TensorRole.LATENT_UNQUANTIZED).orElseThrow().name();
        String idx = g.output(TensorRole.CODE_INDICES).orElseThrow().name();
        String zqName = g.output(TensorRole.LATENT_QUANTIZED).orElseThrow().name();
        long[] indices = new long[n * positions];
        float[] zq = new float[n * gridSize()];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> feed = Map.of(in, Tensor.of(Chunks.slice(ze, from, b, gridSize()), Decoder.batch(gridShape, b)));
            try (ModelSessions.Outputs r = sessions.run(GraphRole.QUANTIZER, feed, Set.of(idx, zqName))) {
                System.arraycopy(r.longs(idx), 0, indices, from * positions, b * positions);
                System.arraycopy(r.floats(zqName), 0, zq, from * gridSize(), b * gridSize());
            }
        });
        return new CodeGrid(indices, zq, n);
    }

    /** The codebook [K, D], row-major: the quantizer graph's codebook output (no other file holds it). */
    public float[] codebook() {
        float[] c = codebook;
        if (c == null) {
            Manifest.Graph g = sessions.graph(GraphRole.QUANTIZER);
            String in = g.input(TensorRole.LATENT_UNQUANTIZED).orElseThrow().name();
            String out = g.output(TensorRole.CODEBOOK).orElseThrow().name();
            try (ModelSessions.Outputs r = sessions.run(GraphRole.QUANTIZER,
                    Map.of(in, Tensor.of(new float[gridSize()], Decoder.batch(gridShape, 1))), Set.of(out))) {
                c = r.floats(out);
            }
            codebook = c;
        }
        return c.clone();
    }

    /** z_q [n, D, h, w] of code grids [n, h, w]: each position's codebook vector. */
    public float[] lookUp(long[] indices, int n) {
        if (indices.length != (long) n * positions) {
            throw VaeforgeException.badParameter("codes: " + indices.length + " values, expected " + n + " x " + positions,
                    "codes");
        }
        float[] book = codebook == null ? codebook() : codebook;
        float[] zq = new float[n * gridSize()];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < positions; p++) {
                long code = indices[i * positions + p];
                if (code < 0 || code >= codebookSize) {
                    throw VaeforgeException.badParameter("code " + code + " is outside 0.." + (codebookSize - 1), "codes");
                }
                for (int d = 0; d < codeDim; d++) {
                    // z_q[i, d, p] = e[code, d]
                    zq[i * gridSize() + d * positions + p] = book[(int) code * codeDim + d];
                }
            }
        }
        return zq;
    }

    /** Images in [0, 1] from quantised grids z_q [n, D, h, w]. */
    public float[] decode(float[] zq, float[] y, int n) {
        return decoder.decode(zq, y, n);
    }

    /** Images in [0, 1] from code grids [n, h, w]. */
    public float[] decodeCodes(long[] indices, int n) {
        return decode(lookUp(indices, n), null, n);
    }

    @Override
    public Reconstruction reconstruct(float[] images, float[] y, int n) {
        CodeGrid q = quantize(encodeGrid(images, n), n);
        return new Reconstruction(decode(q.zq(), y, n), null, q.indices());
    }

    @Override
    public float[] decode(Prior.Draw draw, float[] y) {
        return decode(lookUp(draw.codes(), draw.n()), y, draw.n());
    }

    @Override
    public String reconstructionText() {
        return "decoder(z_q(x)): the encoder's grid quantised to the nearest codes";
    }

    @Override
    public String sampleCheckText() {
        return "its reconstruction decoder(z_q(x_g))";
    }

    @Override
    public String noKlReason() {
        return "its posterior is a deterministic code (one-hot q(z|x)), so the KL against a uniform code prior is the"
                + " constant h*w*log K, and there is no Gaussian latent whose ELBO could be estimated";
    }
}
