package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    private static final VaeConfig VAE = new VaeConfig(1, 16, 4, List.of(8, 16), Likelihood.GAUSSIAN, 0.2);

    @Test
    void roundTripsThroughJson() {
        TrainConfig c = TrainConfig.builder(VAE, "folder:/data/x").optEpochs(3).optBatchSize(8).optLearningRate(5e-4)
                .optSeed(7).optDevice("CUDA").optKeepCheckpoints(2).optTestFraction(0.25).optThreads(4).build();
        String json = Json.write(c);
        assertTrue(json.contains("\"family\" : \"vae\""), json);
        assertTrue(json.contains("\"likelihood\" : \"gaussian\""), json);
        TrainConfig back = Json.parse(json, TrainConfig.class, "test");
        assertEquals(c, back);
        assertEquals("cuda:0", back.device());
        assertEquals(json, Json.write(back));
    }

    @Test
    void dataSelectionRoundTripsAndIsAbsentFromOlderConfigs() {
        TrainConfig c = TrainConfig.builder(VAE, "shapes").optDataSelection(new DataSelection(512, "VALIDATION", 0.1, 3,
                true, false)).build();
        assertEquals("valid", c.dataSelection().heldOut());
        TrainConfig back = Json.parse(Json.write(c), TrainConfig.class, "test");
        assertEquals(c, back);
        assertEquals(512, back.dataSelection().limit());
        TrainConfig old = Json.parse("""
                {"model": {"family": "vae", "channels": 1, "imageSize": 16, "latentDim": 4, "widths": [8]},
                 "dataset": "shapes", "testFraction": 0.2}""", TrainConfig.class, "cfg.json");
        assertEquals(null, old.dataSelection());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("""
                {"model": {"family": "vae", "channels": 1, "imageSize": 16, "latentDim": 4, "widths": [8]},
                 "dataset": "shapes", "dataSelection": {"limit": 1}}""", TrainConfig.class, "cfg.json"));
        assertTrue(e.getMessage().contains("limit must be >= 2 images"), e.getMessage());
    }

    @Test
    void missingFieldsTakeDefaults() {
        TrainConfig c = Json.parse("""
                {"model": {"family": "vae", "channels": 1, "imageSize": 16, "latentDim": 4, "widths": [8]},
                 "dataset": "shapes"}""", TrainConfig.class, "cfg.json");
        assertEquals(TrainConfig.builder(c.model(), "shapes").build(), c);
        assertEquals(TrainConfig.DEFAULT_BATCH_SIZE, c.batchSize());
        assertEquals(Likelihood.BERNOULLI, c.model().likelihood());
    }

    @Test
    void unknownFieldIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("""
                {"model": {"family": "vae", "channels": 1, "imageSize": 16, "latentDim": 4, "widths": [8]},
                 "dataset": "shapes", "epoch": 3}""", TrainConfig.class, "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: unknown field 'epoch' in $;"), e.getMessage());
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.parse("""
                {"model": {"family": "vae", "channels": 1, "imageSize": 16, "latentDim": 4, "widths": [8], "sigma": 1},
                 "dataset": "shapes"}""", TrainConfig.class, "cfg.json"));
        assertTrue(e.getMessage().contains("unknown field 'sigma' in $.model;"), e.getMessage());
    }

    @Test
    void invalidValuesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("""
                {"model": {"family": "vae", "channels": 1, "imageSize": 16, "latentDim": 4, "widths": [8]},
                 "dataset": "shapes", "batchSize": 1}""", TrainConfig.class, "cfg.json"));
        assertTrue(e.getMessage().contains("batch size must be in 2..65536"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.parse("""
                {"model": {"family": "gan"}, "dataset": "shapes"}""", TrainConfig.class, "cfg.json"));
        assertTrue(e.getMessage().contains("unknown type 'gan' at $.model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"model\": ", TrainConfig.class, "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder(VAE, "shapes").optDevice("gpu0").build());
        assertEquals("device must be cpu, cuda or cuda:N, got 'gpu0'", e.getMessage());
    }
}
