package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionSpec;
import java.util.Optional;
import picocli.CommandLine.Option;

/** --label and --condition: the condition y for a cvae bundle, checked against the bundle's names. */
final class ConditionOptions {
    @Option(names = "--label", paramLabel = "INDEX|NAME", description = "Bundles conditioned on labels: the class "
            + "to use, by index or name (see vaeforge inspect), e.g. --label 2 or --label heart.")
    String label;

    @Option(names = "--condition", paramLabel = "NAME=0|1,...", description = "Bundles conditioned on attributes: "
            + "attribute values, e.g. --condition Smiling=1,Eyeglasses=0; attributes not named are 0.")
    String condition;

    /**
     * The condition the user gave, checked against the bundle; empty when none was given.
     *
     * @throws VaeforgeException (bad input) for a flag on an unconditional bundle, both flags, the flag of
     *     the other kind, an unknown name or an out-of-range label, naming the allowed values
     */
    Optional<Condition> resolve(VaeRuntime rt) {
        Optional<ConditionSpec> spec = rt.condition();
        if (label == null && condition == null) {
            return Optional.empty();
        }
        String flag = label != null ? "--label" : "--condition";
        if (spec.isEmpty()) {
            throw bad(flag + " applies to bundles with a condition input only; this is a " + label(rt)
                    + " bundle, which takes no condition");
        }
        if (label != null && condition != null) {
            throw bad("give --label or --condition, not both (the bundle is conditioned on " + spec.get().describe() + ")");
        }
        try {
            return Optional.of(label != null ? Condition.label(spec.get(), label)
                    : Condition.attributes(spec.get(), condition));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    static VaeforgeException bad(String message) {
        return new VaeforgeException(VaeforgeException.Code.BAD_INPUT, message);
    }

    /** The bundle's family label for messages ("vae"), or "unlabelled" for graphs that carry none. */
    static String label(VaeRuntime rt) {
        String f = rt.manifest().family();
        return f == null || f.isBlank() ? "unlabelled" : f;
    }
}
