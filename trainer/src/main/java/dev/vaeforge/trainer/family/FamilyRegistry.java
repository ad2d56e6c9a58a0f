package dev.vaeforge.trainer.family;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.betavae.BetaVaeFamily;
import dev.vaeforge.trainer.capacityvae.CapacityVaeFamily;
import dev.vaeforge.trainer.cvae.CvaeFamily;
import dev.vaeforge.trainer.hvae.HvaeFamily;
import dev.vaeforge.trainer.iwae.IwaeFamily;
import dev.vaeforge.trainer.vae.VaeFamily;
import dev.vaeforge.trainer.vaegan.VaeGanFamily;
import dev.vaeforge.trainer.vqvae.VqVaeFamily;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model families the trainer knows, in the order help lists them: a new family is one package
 * and one line here.
 */
public final class FamilyRegistry {
    private static final List<Family<?>> ALL = List.of(new VaeFamily(), new BetaVaeFamily(), new CapacityVaeFamily(),
            new CvaeFamily(), new VqVaeFamily(), new VaeGanFamily(), new IwaeFamily(), new HvaeFamily());
    private static final Map<String, Family<?>> BY_ID = new LinkedHashMap<>();

    static {
        for (Family<?> f : ALL) {
            if (BY_ID.put(f.id(), f) != null) {
                throw new IllegalStateException("two families have the id " + f.id());
            }
        }
    }

    private FamilyRegistry() {
    }

    public static List<Family<?>> all() {
        return ALL;
    }

    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }

    /** The ids of the families that train against a learned prior ({@link Family#learnedPrior()}). */
    public static List<String> withLearnedPriors() {
        return ALL.stream().filter(Family::learnedPrior).map(Family::id).toList();
    }

    /** The ids of the families that take a flow posterior ({@link Family#flowPosterior()}). */
    public static List<String> withFlowPosteriors() {
        return ALL.stream().filter(Family::flowPosterior).map(Family::id).toList();
    }

    /**
     * The family with this id.
     *
     * @throws VaeforgeException naming parameter "model" when no family has it
     */
    public static Family<?> get(String id) {
        Family<?> f = BY_ID.get(id);
        if (f == null) {
            throw VaeforgeException.badParameter("model: unknown model family '" + id + "', expected one of "
                    + String.join(", ", BY_ID.keySet()), "model");
        }
        return f;
    }

    /** The family of {@code config}, typed for it. */
    @SuppressWarnings("unchecked")
    public static <C extends ModelConfig> Family<C> of(C config) {
        Family<?> f = get(config.family());
        if (!f.configType().isInstance(config)) {
            throw new IllegalArgumentException("a " + config.getClass().getSimpleName() + " says family '"
                    + config.family() + "', whose config is a " + f.configType().getSimpleName());
        }
        return (Family<C>) f;
    }
}
