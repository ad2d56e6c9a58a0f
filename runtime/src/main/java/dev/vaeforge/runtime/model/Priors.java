package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.Manifest;

/** The {@link Prior} a bundle's manifest names (verified by {@code BundleReader} before this runs). */
public final class Priors {
    private Priors() {
    }

    /**
     * The prior of a model's sessions: a prior of type graphs runs its graphs there, chunked to
     * {@code maxBatch}; the others are read from the bundle ({@link #of(Bundle)}).
     */
    public static Prior of(ModelSessions sessions, int maxBatch) {
        if (Manifest.Prior.GRAPHS.equals(sessions.manifest().prior().type())) {
            return new GraphPrior(sessions, maxBatch);
        }
        return of(sessions.bundle());
    }

    /** How the bundle's prior draws, for reports, without opening any session. */
    public static String description(Bundle bundle) {
        Manifest.Prior p = bundle.manifest().prior();
        return Manifest.Prior.GRAPHS.equals(p.type()) ? GraphPrior.describe(p.name()) : of(bundle).description();
    }

    /**
     * The prior a bundle's manifest names, where it needs no graph (a prior of type graphs needs the
     * model's sessions: {@link #of(ModelSessions, int)}).
     */
    public static Prior of(Bundle bundle) {
        Manifest m = bundle.manifest();
        Manifest.Prior p = m.prior();
        if (m.latent().hierarchical()) {
            Manifest.Latent top = m.latent().levels().get(0);
            Manifest.Latent bottom = m.latent().bottom();
            return new AncestralPrior(top.size(), bottom.size(), top.name(), bottom.name());
        }
        return switch (p.type()) {
            case Manifest.Prior.STANDARD_NORMAL -> new StandardNormalPrior(m.latent().size());
            case Manifest.Prior.CODES_UNIFORM -> uniformCodes(m.latent());
            case Manifest.Prior.CODES_EMPIRICAL -> new EmpiricalCodePrior(Json.read(bundle.directory().resolve(p.file()),
                    CodePrior.class, VaeforgeException.Code.BAD_BUNDLE));
            case Manifest.Prior.GAUSSIAN_MIXTURE -> mixture(bundle.directory().resolve(p.file()), m.latent().size());
            case Manifest.Prior.GRAPHS -> throw new IllegalStateException("a prior of type graphs runs the bundle's"
                    + " graphs: open the model (Priors.of(ModelSessions, int))");
            default -> throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, "prior type '" + p.type()
                    + "' is not one this runtime can sample");
        };
    }

    /** A mixture prior from its [2, K, size] file (checked by the reader when the bundle was opened). */
    private static Prior mixture(java.nio.file.Path file, int size) {
        try (dev.vaeforge.runtime.data.NpyArray a = dev.vaeforge.runtime.data.NpyArray.open(file)) {
            int k = (int) a.shape()[1];
            float[] values = a.readFloats(0, 2);
            float[] means = java.util.Arrays.copyOfRange(values, 0, k * size);
            float[] logvars = java.util.Arrays.copyOfRange(values, k * size, 2 * k * size);
            return new MixturePrior(k, size, means, logvars, null);
        } catch (java.io.IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, file + ": the mixture prior cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /** Codes uniform over the codebook at every position of a codes latent. */
    public static Prior uniformCodes(Manifest.Latent codes) {
        return new UniformCodePrior(codes.size(), codes.codebookSize());
    }
}
