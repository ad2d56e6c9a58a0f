package dev.vaeforge.trainer.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.TinyShapes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's contract, for every registered family: ids, parameters, configs and their JSON. */
class FamilyRegistryTest {
    static final Architecture A = new Architecture(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0);
    static final FamilyContext CONTEXT = new FamilyContext(TinyShapes.dataset(12, 1), 3, 4);

    @Test
    void listsTheFamiliesAndRefusesAnUnknownIdByParameter() {
        assertEquals(List.of("vae", "beta-vae", "capacity-vae", "cvae", "vqvae", "vaegan"), FamilyRegistry.ids().subList(0, 6),
                "today's families first, in help order");
        for (Family<?> f : FamilyRegistry.all()) {
            assertSame(f, FamilyRegistry.get(f.id()));
            assertFalse(f.summary().isBlank(), f.id());
            assertTrue(f.configType().isRecord(), f.id());
        }
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> FamilyRegistry.get("gan"));
        assertEquals("model: unknown model family 'gan', expected one of " + String.join(", ", FamilyRegistry.ids()),
                e.getMessage());
        assertEquals(List.of("model"), e.parameters());
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
    }

    @Test
    void parameterNamesAreUniqueAcrossFamilies() {
        Map<String, String> owner = new HashMap<>();
        for (Family<?> f : FamilyRegistry.all()) {
            for (FamilyParameter p : f.parameters()) {
                String before = owner.put(p.name(), f.id());
                assertEquals(null, before, p.name() + " is a parameter of " + before + " and of " + f.id());
                assertTrue(p.plainDescription().startsWith(f.id()), p.plainDescription());
            }
        }
    }

    /** Every family configures from the architecture alone (its defaults) and writes the flat form, read back flat or nested. */
    @Test
    void everyFamilysConfigRoundTripsFlatAndNested() {
        for (Family<?> f : FamilyRegistry.all()) {
            ModelConfig c = f.configure(A, ParameterValues.none(), CONTEXT);
            assertEquals(f.id(), c.family());
            assertSame(f, FamilyRegistry.of(c));
            String flat = FamilyConfigTest.assertRoundTrip(c, "\"family\" : \"" + f.id() + "\"");
            assertFalse(flat.contains("architecture"), flat);
            assertEquals(f.usesLatentDim(), flat.contains("latentDim"), flat);
            // the same config with the architecture nested
            ObjectNode tree = (ObjectNode) Json.parse(Json.write(c), JsonNode.class, "flat");
            ObjectNode arch = tree.objectNode();
            for (String field : List.of("channels", "imageSize", "latentDim", "widths", "likelihood", "gaussianSigma")) {
                if (tree.has(field)) {
                    arch.set(field, tree.remove(field));
                }
            }
            tree.set("architecture", arch);
            assertEquals(c, FamilyConfigTest.model(tree.toString()), tree.toString());
            List<String> columns = ((Family<ModelConfig>) (Family<?>) f).metricColumns(c);
            assertEquals(EpochMetrics.COLUMNS, columns.subList(0, EpochMetrics.COLUMNS.size()), f.id());
        }
    }

    @Test
    void aVqvaeConfigWrittenWithoutLatentDimReads() {
        ModelConfig c = FamilyConfigTest.model("{\"family\": \"vqvae\", \"channels\": 1, \"imageSize\": 16, "
                + "\"widths\": [8, 16], \"likelihood\": \"bernoulli\", \"gaussianSigma\": 0.1, \"codebookSize\": 16}");
        assertEquals("vqvae", c.family());
        assertEquals(List.of(8, 16), c.architecture().widths());
    }

    @Test
    void parameterErrorsNameTheirParameters() {
        Family<?> beta = FamilyRegistry.get("beta-vae");
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> beta.configure(A, new ParameterValues(Map.of("beta", -1.0)), CONTEXT));
        assertEquals("beta must be a number >= 0, got -1.0", e.getMessage());
        assertEquals(List.of("beta"), e.parameters());
        Family<?> vq = FamilyRegistry.get("vqvae");
        e = assertThrows(VaeforgeException.class, () -> vq.check(new ParameterValues(Map.of("ema-decay", 0.9))));
        assertEquals("ema-decay applies with ema (EMA codebook updates)", e.getMessage());
        assertEquals(List.of("ema-decay", "ema"), e.parameters());
        e = assertThrows(VaeforgeException.class, () -> vq.check(new ParameterValues(Map.of("codebook-size", 1))));
        assertEquals("model vqvae: codebook-size must be in 2..65536, got 1", e.getMessage());
        Family<?> cvae = FamilyRegistry.get("cvae");
        e = assertThrows(VaeforgeException.class, () -> cvae.check(new ParameterValues(Map.of("conditioning", "tags"))));
        assertTrue(e.getMessage().startsWith("conditioning: unknown conditioning 'tags'"), e.getMessage());
    }
}
