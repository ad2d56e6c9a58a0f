package dev.vaeforge.trainer.vae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.ConvDecoder;
import dev.vaeforge.trainer.nn.ConvEncoder;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.prior.CouplingFlow;
import dev.vaeforge.trainer.posterior.PosteriorFlow;
import dev.vaeforge.trainer.posterior.PosteriorSpec;
import dev.vaeforge.trainer.prior.PriorSpec;
import dev.vaeforge.trainer.prior.PriorTerms;
import ai.djl.nn.core.Linear;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;

/**
 * The VAE block: x -> [logits, mu, logvar]. While training z = mu + exp(logvar / 2) * eps with
 * eps ~ N(0, I) from the engine's seeded generator; in inference z = mu (posterior mean).
 *
 * <p>With {@code samples} K >= 1 (importance-weighted objectives) the block draws K latents per image in
 * training and in inference alike and returns [logits, mu, logvar, z, eps]: z and eps are [K*N, D] and
 * logits [K*N, C, H, W], row k*N + i holding draw k of image i. The parameters are the same as the
 * plain block's, so both export alike.
 *
 * <p>With a learned VampPrior ({@link PriorSpec} "vamp", K pseudo-inputs) the block holds the pseudo-inputs
 * u = sigmoid(w) [K, C, H, W] as a parameter, and in training (and with K draws) appends the prior's
 * components [mu_k, logvar_k] = encoder(u) to the outputs: [logits, mu, logvar, z, priorMu, priorLogvar]
 * (the plain VAE's training output gains z). The pseudo-inputs go through the encoder in inference mode,
 * so batch norm's running statistics neither see them nor differ from the exported encoder's.
 *
 * <p>With a learned flow prior ({@link PriorSpec} "flow") the block holds a {@link CouplingFlow} as its
 * child "prior_flow" and appends log p(z) per dimension [N, D] of the posterior draw(s) to the outputs:
 * [logits, mu, logvar, z, logPrior] (with K draws [logits, mu, logvar, z, eps, logPrior], logPrior
 * [K*N, D]). Summed over dimensions it is the flow's log-density; {@code PriorTerms} reads it.
 *
 * <p>With a flow posterior ({@link PosteriorSpec} planar or iaf) the block holds a linear {@code context}
 * head on the encoder's features and the {@link PosteriorFlow}; it draws z_0 ~ q_0(z|x) in training and
 * inference alike and returns [logits, mu, logvar, z_K, log q_K(z_K|x) [N], log det [N]], the logits
 * decoded from z_K in training and from flow(mu) (the posterior mean's image under the flow) in
 * inference.
 */
public final class ConvVae extends AbstractBlock implements dev.vaeforge.trainer.prior.PriorMetrics.LearnedPriorBlock {
    private static final byte VERSION = 1;
    private final VaeConfig config;
    private final ConvEncoder encoder;
    private final SequentialBlock decoder;
    /** Draws per image for an importance-weighted objective; 0 for the plain VAE's one draw in training. */
    private final int samples;
    /** The VampPrior's pseudo-inputs before the sigmoid [K, C, H, W]; null for the standard-normal prior. */
    private final Parameter pseudoInputs;
    /** The flow prior's f; null for the other priors. */
    private final CouplingFlow priorFlow;
    /** The flow posterior's context head and flow; null for the diagonal Gaussian. */
    private final Linear contextHead;
    private final PosteriorFlow flow;

    /** The plain VAE's block around an architecture (beta-vae and capacity-vae use it too). */
    public ConvVae(Architecture architecture) {
        this(new VaeConfig(architecture));
    }

    public ConvVae(VaeConfig config) {
        this(config, 0);
    }

    /**
     * @param samples K >= 1 latent draws per image, always, with z and eps among the outputs; 0 for the
     *     plain VAE
     */
    public ConvVae(VaeConfig config, int samples) {
        super(VERSION);
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
        this.config = config;
        this.samples = samples;
        this.encoder = addChildBlock("encoder", new ConvEncoder(config.widths(), config.latentDim()));
        this.decoder = addChildBlock("decoder",
                ConvDecoder.build(config.widths(), config.channels(), config.bottleneckSize()));
        PriorSpec prior = config.architecture().prior();
        this.pseudoInputs = prior.vamp() ? addParameter(Parameter.builder().setName("pseudo_inputs")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(prior.components(), config.channels(),
                        config.imageSize(), config.imageSize())).optInitializer(new NormalInitializer(1f)).build()) : null;
        this.priorFlow = prior.flow() ? addChildBlock("prior_flow",
                new CouplingFlow(config.latentDim(), prior.flowSteps(), prior.flowHidden())) : null;
        PosteriorSpec posterior = config.architecture().posterior();
        if (posterior.flow()) {
            if (samples > 0 || prior.learned()) {
                throw new IllegalArgumentException("a flow posterior takes one draw per image and the standard prior");
            }
            this.flow = PosteriorFlow.of(posterior, config.latentDim());
            this.contextHead = addChildBlock("context", Linear.builder().setUnits(flow.contextDim()).build());
            addChildBlock("flow", flow);
        } else {
            this.flow = null;
            this.contextHead = null;
        }
    }

    /** The flow posterior, or null for the diagonal Gaussian. */
    public PosteriorFlow flow() {
        return flow;
    }

    /** The flow's context head on the encoder body's features, or null. */
    public Linear contextHead() {
        return contextHead;
    }

    /** Whether the block carries a learned prior (and appends what its KL needs to the outputs). */
    public boolean learnedPrior() {
        return pseudoInputs != null || priorFlow != null;
    }

    /** The VampPrior's block: pseudo-inputs whose posteriors are the mixture's components. */
    public boolean vampPrior() {
        return pseudoInputs != null;
    }

    /** The flow prior's f, or null. */
    public CouplingFlow priorFlow() {
        return priorFlow;
    }

    /** ||lambda||_2 over the learned prior's own parameters (pseudo-inputs or flow), NaN for N(0, I). */
    @Override
    public double priorParameterNorm() {
        if (priorFlow != null) {
            return priorFlow.parameterNorm();
        }
        if (pseudoInputs != null && pseudoInputs.isInitialized()) {
            return Math.sqrt(pseudoInputs.getArray().square().sum().toType(DataType.FLOAT64, false).getDouble());
        }
        return Double.NaN;
    }

    /** The pseudo-inputs parameter (before the sigmoid), or null. */
    public Parameter pseudoInputs() {
        return pseudoInputs;
    }

    /**
     * The pseudo-inputs as images in [0, 1]: sigmoid(w), owned by {@code scope} (the step's manager).
     * An operation on a parameter alone creates its result in the parameter's manager, which lives as
     * long as the model: without the attach every step's pseudo-images and their encoder activations
     * would stay allocated until the end of training.
     */
    public NDArray pseudoImages(ParameterStore ps, NDManager scope, boolean training) {
        NDArray u = ps.getValue(pseudoInputs, scope.getDevice(), training).getNDArrayInternal().sigmoid();
        u.attach(scope);
        return u;
    }

    /**
     * The prior's components [priorMu, priorLogvar] [K, D] each: the encoder's posteriors of the
     * pseudo-inputs, owned by {@code scope}.
     */
    public NDList priorComponents(ParameterStore ps, NDManager scope, boolean training, PairList<String, Object> params) {
        NDArray u = pseudoImages(ps, scope, training);
        return encoder.forward(ps, new NDList(u), false, params);
    }

    public VaeConfig config() {
        return config;
    }

    public ConvEncoder encoder() {
        return encoder;
    }

    /** z[N,D] -> logits[N,C,H,W]. */
    public SequentialBlock decoder() {
        return decoder;
    }

    /** For logs and checks: images in [0, 1] decoded in inference mode from latents z [N, D]. */
    public NDArray decodeImages(NDArray z) {
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(z.getManager(), false);
        return ai.djl.nn.Activation.sigmoid(decoder.forward(ps, new NDList(z), false).singletonOrThrow());
    }

    /**
     * Images of prior draws, in inference mode, from standard-normal noise {@code eps} [n, D]: decoded as
     * they are for the standard-normal prior; for a learned VampPrior, draw i is taken from component
     * i mod K, z = mu_k + sigma_k * eps_i; for a flow prior z = f^-1(eps) (so the training logs show the
     * prior the model is trained on).
     */
    public NDArray decodePriorDraws(NDArray eps) {
        if (priorFlow != null) {
            return decodeImages(priorFlow.inverse(new ParameterStore(eps.getManager(), false), eps, false, null));
        }
        if (pseudoInputs == null) {
            return decodeImages(eps);
        }
        ParameterStore ps = new ParameterStore(eps.getManager(), false);
        NDList c = priorComponents(ps, eps.getManager(), false, null);
        long n = eps.getShape().get(0);
        long k = c.get(0).getShape().get(0);
        NDArray index = eps.getManager().arange(0, (int) n, 1, DataType.INT64).mod(k);
        NDArray mu = c.get(0).get(index);
        NDArray std = Scalars.mul(c.get(1).get(index), 0.5).exp();
        return decodeImages(mu.add(std.mul(eps)));
    }

    /** The input shape for {@link #initialize}: one batch of images. */
    public Shape inputShape(long batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (flow != null) {
            return forwardFlow(ps, inputs, training, params);
        }
        NDList stats = encoder.forward(ps, inputs, training, params);
        NDArray mu = stats.get(0);
        NDArray logvar = stats.get(1);
        if (samples > 0) {
            long n = mu.getShape().get(0);
            NDArray eps = mu.getManager().randomNormal(new Shape(samples * n, mu.getShape().get(1)));
            NDArray std = Scalars.mul(logvar, 0.5).exp();
            NDArray z = mu.tile(new long[] {samples, 1}).add(std.tile(new long[] {samples, 1}).mul(eps));
            NDArray logits = decoder.forward(ps, new NDList(z), training, params).singletonOrThrow();
            NDList out = new NDList(logits, mu, logvar, z, eps);
            if (pseudoInputs != null) {
                out.addAll(priorComponents(ps, mu.getManager(), training, params));
            }
            if (priorFlow != null) {
                out.add(priorFlow.logDensityPerDimension(ps, z, training, params));
            }
            return out;
        }
        NDArray z = mu;
        NDArray draw = null;
        if (training || learnedPrior()) {
            NDArray eps = mu.getManager().randomNormal(mu.getShape());
            draw = mu.add(Scalars.mul(logvar, 0.5).exp().mul(eps));
            z = training ? draw : mu;
        }
        NDArray logits = decoder.forward(ps, new NDList(z), training, params).singletonOrThrow();
        if (pseudoInputs != null) {
            // the KL against a learned prior is Monte Carlo: it needs a posterior draw even where the
            // reconstruction is the posterior mean's (inference)
            NDList out = new NDList(logits, mu, logvar, draw);
            out.addAll(priorComponents(ps, mu.getManager(), training, params));
            return out;
        }
        if (priorFlow != null) {
            return new NDList(logits, mu, logvar, draw, priorFlow.logDensityPerDimension(ps, draw, training, params));
        }
        return new NDList(logits, mu, logvar);
    }

    private NDList forwardFlow(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = encoder.body().forward(ps, inputs, training, params);
        NDArray mu = encoder.muHead().forward(ps, h, training, params).singletonOrThrow();
        NDArray logvar = encoder.logvarHead().forward(ps, h, training, params).singletonOrThrow();
        NDArray context = contextHead.forward(ps, h, training, params).singletonOrThrow();
        NDArray eps = mu.getManager().randomNormal(mu.getShape());
        NDArray z0 = mu.add(Scalars.mul(logvar, 0.5).exp().mul(eps));
        NDList f = flow.forward(ps, new NDList(z0, context), training, params);
        NDArray logq = PriorTerms.gaussianLogDensity(z0, mu, logvar).sum(new int[] {1}).sub(f.get(1));
        NDArray decoded = training ? f.get(0) : flow.forward(ps, new NDList(mu, context), false, params).get(0);
        NDArray logits = decoder.forward(ps, new NDList(decoded), training, params).singletonOrThrow();
        return new NDList(logits, mu, logvar, f.get(0), logq, f.get(1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.latentDim()));
        if (priorFlow != null) {
            priorFlow.initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.latentDim()));
        }
        if (flow != null) {
            long n = inputShapes[0].get(0);
            contextHead.initialize(manager, dataType, encoder.body().getOutputShapes(inputShapes));
            flow.initialize(manager, dataType, new Shape(n, config.latentDim()), new Shape(n, flow.contextDim()));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        Shape latent = new Shape(n, config.latentDim());
        if (flow != null) {
            return new Shape[] {inputShape(n), latent, latent, latent, new Shape(n), new Shape(n)};
        }
        Shape components = pseudoInputs == null ? null : new Shape(pseudoInputs.getShape().get(0), config.latentDim());
        if (priorFlow != null) {
            Shape draws = new Shape((samples > 0 ? samples : 1) * n, config.latentDim());
            return samples > 0 ? new Shape[] {inputShape(samples * n), latent, latent, draws, draws, draws}
                    : new Shape[] {inputShape(n), latent, latent, latent, latent};
        }
        if (samples > 0) {
            Shape draws = new Shape(samples * n, config.latentDim());
            return components == null ? new Shape[] {inputShape(samples * n), latent, latent, draws, draws}
                    : new Shape[] {inputShape(samples * n), latent, latent, draws, draws, components, components};
        }
        return components == null ? new Shape[] {inputShape(n), latent, latent}
                : new Shape[] {inputShape(n), latent, latent, latent, components, components};
    }
}
