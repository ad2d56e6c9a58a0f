package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyParameter;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.family.ParameterValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The train parameters of every registered family as options of {@code vaeforge train}: each
 * {@link FamilyParameter} becomes {@code --<name>}, added to the command's model before parsing (a
 * picocli model transformer), so a new family's flags need no CLI code. A flag given for another
 * family than {@code --model}'s is refused by name.
 */
final class FamilyParameterOptions implements CommandLine.IModelTransformer {

    @Override
    public CommandSpec transform(CommandSpec spec) {
        for (Family<?> f : FamilyRegistry.all()) {
            for (FamilyParameter p : f.parameters()) {
                spec.addOption(option(p));
            }
        }
        return spec;
    }

    static OptionSpec option(FamilyParameter p) {
        OptionSpec.Builder b = OptionSpec.builder(ParameterFlags.flag(p.name()))
                .description(p.description(ParameterFlags::flag));
        if (p.label() != null) {
            b.paramLabel(p.label());
        }
        switch (p.type()) {
            case NUMBER -> b.type(Double.class);
            case INTEGER -> b.type(Integer.class);
            case TEXT -> b.type(String.class);
            case SWITCH -> b.type(Boolean.class).arity("0");
            case INTEGERS -> b.type(List.class).auxiliaryTypes(Integer.class).splitRegex(",");
            case TEXTS -> b.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
        }
        return b.build();
    }

    /** Each family flag with the family it belongs to, in registry order. */
    static Map<String, Family<?>> owners() {
        Map<String, Family<?>> m = new LinkedHashMap<>();
        for (Family<?> f : FamilyRegistry.all()) {
            for (FamilyParameter p : f.parameters()) {
                m.put(ParameterFlags.flag(p.name()), f);
            }
        }
        return m;
    }

    /**
     * The family parameters given on the command line, for {@code family}.
     *
     * @throws VaeforgeException when a flag of another family was given (the first, in registry order)
     */
    static ParameterValues values(ParseResult parsed, Family<?> family) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Family<?>> e : owners().entrySet()) {
            String flag = e.getKey();
            if (!parsed.hasMatchedOption(flag)) {
                continue;
            }
            if (e.getValue() != family) {
                String own = String.join(", ", flagsOf(family));
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, flag + " does not apply to --model "
                        + family.id() + "; it is a flag of --model " + e.getValue().id()
                        + (own.isEmpty() ? "" : " (--model " + family.id() + " takes " + own + ")"));
            }
            OptionSpec o = parsed.matchedOption(flag);
            values.put(flag.substring(2), o.arity().max() == 0 ? Boolean.TRUE : o.getValue());
        }
        return new ParameterValues(values);
    }

    private static List<String> flagsOf(Family<?> family) {
        List<String> flags = new ArrayList<>();
        for (FamilyParameter p : family.parameters()) {
            flags.add(ParameterFlags.flag(p.name()));
        }
        return flags;
    }
}
