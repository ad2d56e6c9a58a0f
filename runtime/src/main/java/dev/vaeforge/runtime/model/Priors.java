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

    public static Prior of(Bundle bundle) {
        Manifest m = bundle.manifest();
        Manifest.Prior p = m.prior();
        return switch (p.type()) {
            case Manifest.Prior.STANDARD_NORMAL -> new StandardNormalPrior(m.latent().size());
            case Manifest.Prior.CODES_UNIFORM -> uniformCodes(m.latent());
            case Manifest.Prior.CODES_EMPIRICAL -> new EmpiricalCodePrior(Json.read(bundle.directory().resolve(p.file()),
                    CodePrior.class, VaeforgeException.Code.BAD_BUNDLE));
            default -> throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, "prior type '" + p.type()
                    + "' is not one this runtime can sample");
        };
    }

    /** Codes uniform over the codebook at every position of a codes latent. */
    public static Prior uniformCodes(Manifest.Latent codes) {
        return new UniformCodePrior(codes.size(), codes.codebookSize());
    }
}
