package dev.vaeforge.trainer.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.trainer.betavae.BetaVaeConfig;
import dev.vaeforge.trainer.betavae.KlSchedule;
import dev.vaeforge.trainer.capacityvae.CapacityVaeConfig;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.train.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every family's config record round-trips through JSON, takes its defaults and names bad values. */
class FamilyConfigTest {
    static final List<Integer> W = List.of(8, 16);
    /** 1 channel, 16x16, D = 4, widths 8,16, Bernoulli. */
    static final Architecture A = new Architecture(1, 16, 4, W, Likelihood.BERNOULLI, 0);
    static final Architecture RGB = new Architecture(3, 16, 6, W, Likelihood.GAUSSIAN, 0.2);

    @Test
    void betaVaeRoundTripsWithEachSchedule() {
        for (KlSchedule s : List.of(new KlSchedule.Constant(), new KlSchedule.Warmup(0.5, Span.ofEpochs(3)),
                new KlSchedule.Cyclical(2, 0.25, Span.ofSteps(400)))) {
            BetaVaeConfig c = new BetaVaeConfig(A, 6.0, s, 0.1);
            assertRoundTrip(c, "\"family\" : \"beta-vae\"");
        }
        String json = Json.write(new BetaVaeConfig(A, 2.0, new KlSchedule.Warmup(0, Span.ofEpochs(3)), 0));
        assertTrue(json.contains("\"type\" : \"warmup\""), json);
        assertTrue(json.contains("\"span\" : \"3 epochs\""), json);
    }

    @Test
    void capacityAndCvaeRoundTrip() {
        assertRoundTrip(new CapacityVaeConfig(new Architecture(3, 16, 6, W, Likelihood.GAUSSIAN, 0.2), 500.0, 10.0,
                Span.ofSteps(900)), "\"family\" : \"capacity-vae\"");
        CvaeConfig c = new CvaeConfig(A, ConditionKind.LABELS, List.of("square", "ellipse", "heart"));
        String json = assertRoundTrip(c, "\"family\" : \"cvae\"");
        assertTrue(json.contains("\"conditioning\" : \"labels\""), json);
        assertRoundTrip(new CvaeConfig(new Architecture(3, 16, 4, W, null, 0), ConditionKind.ATTRIBUTES,
                List.of("Smiling", "Male")), "\"conditioning\" : \"attributes\"");
    }

    @Test
    void vaeganRoundTripsAndDefaults() {
        assertRoundTrip(new VaeGanConfig(RGB, List.of(4, 8), 1, 0.5, false, 0.6, 0.2), "\"family\" : \"vaegan\"");
        VaeGanConfig d = (VaeGanConfig) model("{\"family\": \"vaegan\", \"channels\": 1, \"imageSize\": 16, "
                + "\"latentDim\": 4, \"widths\": [8, 16]}");
        assertEquals(List.of(8, 16), d.discWidths(), "the encoder's widths");
        assertEquals(2, d.featureLayer(), "the last stage");
        assertEquals(VaeGanConfig.DEFAULT_GAMMA, d.gamma());
        assertTrue(d.balance());
        assertEquals(0.68, d.equilibrium());
        assertEquals(0.35, d.margin());
        assertEquals("vaegan", d.family());
        assertEquals(List.of(16L, 4L, 4L), java.util.Arrays.stream(d.featureShape()).boxed().toList());
        assertMessage("feature-layer must be in 1..2", () -> new VaeGanConfig(A, null, 3, null, null, null, null));
        assertMessage("gan-gamma must be a number >= 0, got -1.0",
                () -> new VaeGanConfig(A, null, null, -1.0, null, null, null));
        assertMessage("balance-margin must be a positive number",
                () -> new VaeGanConfig(A, null, null, null, null, null, 0.0));
        assertMessage("for 5 discriminator stages",
                () -> new VaeGanConfig(A, List.of(2, 2, 2, 2, 2), null, null, null, null, null));
    }

    @Test
    void absentFieldsTakeTheDocumentedDefaults() {
        String arch = "\"channels\": 1, \"imageSize\": 16, \"latentDim\": 4, \"widths\": [8]";
        BetaVaeConfig b = (BetaVaeConfig) model("{\"family\": \"beta-vae\", " + arch + "}");
        assertEquals(BetaVaeConfig.DEFAULT_BETA, b.beta());
        assertInstanceOf(KlSchedule.Constant.class, b.klSchedule());
        assertEquals(0, b.freeBits());
        assertEquals("beta-vae", b.family());
        CapacityVaeConfig c = (CapacityVaeConfig) model("{\"family\": \"capacity-vae\", " + arch + "}");
        assertEquals(1000, c.gamma());
        assertEquals(25, c.capacityMax());
        assertEquals(Span.ofSteps(100_000), c.capacitySpan());
        KlSchedule.Cyclical cyc = (KlSchedule.Cyclical) ((BetaVaeConfig) model("{\"family\": \"beta-vae\", " + arch
                + ", \"klSchedule\": {\"type\": \"cyclical\", \"span\": \"10 epochs\"}}")).klSchedule();
        assertEquals(4, cyc.cycles());
        assertEquals(0.5, cyc.ratio());
        CvaeConfig v = (CvaeConfig) model("{\"family\": \"cvae\", " + arch + ", \"conditionNames\": [\"a\", \"b\"]}");
        assertEquals(ConditionKind.LABELS, v.conditioning());
        assertEquals(2, v.condition().dim());
    }

    @Test
    void badValuesAreNamed() {
        assertMessage("beta must be a number >= 0, got -1.0", () -> new BetaVaeConfig(A, -1.0, null, 0));
        assertMessage("free-bits must be a number >= 0", () -> new BetaVaeConfig(A, 1.0, null, -0.5));
        assertMessage("gamma must be a number >= 0, got -3.0", () -> new CapacityVaeConfig(A, -3.0, null, null));
        assertMessage("capacity-max must be a number >= 0", () -> new CapacityVaeConfig(A, null, -1.0, null));
        assertMessage("needs at least two classes", () -> new CvaeConfig(A, null, List.of("one")));
        assertMessage("a warm-up needs its span", () -> new KlSchedule.Warmup(0, null));
        assertMessage("cyclical ramp ratio must be in (0, 1], got 0.0", () -> new KlSchedule.Cyclical(4, 0.0, Span.ofSteps(9)));
        assertMessage("image size 10 must be a multiple of 2^2", () -> new Architecture(1, 10, 4, W, null, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model(
                "{\"family\": \"beta-vae\", \"channels\": 1, \"imageSize\": 16, \"latentDim\": 4, \"widths\": [8],"
                        + " \"klSchedule\": {\"type\": \"warmup\", \"span\": \"ten epochs\"}}"));
        assertTrue(e.getMessage().contains("expected N steps or N epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model("{\"family\": \"capacity-vae\", \"channels\": 1,"
                + " \"imageSize\": 16, \"latentDim\": 4, \"widths\": [8], \"beta\": 3}"));
        assertTrue(e.getMessage().contains("unknown field 'beta'"), e.getMessage());
    }

    static ModelConfig model(String json) {
        return Json.parse("{\"model\": " + json + ", \"dataset\": \"shapes\"}", TrainConfig.class, "cfg.json").model();
    }

    static String assertRoundTrip(ModelConfig c, String fragment) {
        TrainConfig t = TrainConfig.builder(c, "shapes").build();
        String json = Json.write(t);
        assertTrue(json.contains(fragment), json);
        TrainConfig back = Json.parse(json, TrainConfig.class, "test");
        assertEquals(t, back);
        assertEquals(json, Json.write(back));
        return json;
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "expected <" + fragment + "> in " + e.getMessage());
    }
}
