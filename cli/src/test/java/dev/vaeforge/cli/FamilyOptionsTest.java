package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class FamilyOptionsTest {
    /** Every option of the mixin has a family, so none can slip past the "does not apply" check. */
    @Test
    void everyFlagBelongsToAFamily() {
        Set<String> declared = new TreeSet<>();
        for (OptionSpec o : CommandSpec.forAnnotatedObject(new FamilyOptions()).options()) {
            declared.add(o.longestName());
        }
        assertEquals(declared, new TreeSet<>(FamilyOptions.flags().keySet()));
        assertEquals(declared, new TreeSet<>(new FamilyOptions().values().keySet()));
    }
}
