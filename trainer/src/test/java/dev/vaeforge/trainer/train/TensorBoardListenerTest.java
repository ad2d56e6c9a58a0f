package dev.vaeforge.trainer.train;

import static dev.vaeforge.fixtures.TensorBoardEvents.decode;
import static dev.vaeforge.fixtures.TensorBoardEvents.readAll;
import static dev.vaeforge.fixtures.TensorBoardEvents.step;
import static dev.vaeforge.fixtures.TensorBoardEvents.summaryValue;
import static dev.vaeforge.fixtures.TensorBoardEvents.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.run.TrainingRun;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered family's run logs to TensorBoard what the family provides (its named terms, its
 * epoch columns, images, histograms where it has a Gaussian latent), read back with the fixtures'
 * independent reader. No family is named here: what is expected comes from the family plug-in.
 */
class TensorBoardListenerTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        EngineSetup.configure(0);
    }

    @Test
    void everyFamilyLogsItsTermsColumnsImagesAndHistograms() throws Exception {
        ArrayDataset data = TinyShapes.dataset(40, 3);
        for (Family<?> any : FamilyRegistry.all()) {
            ModelConfig configured = any.configure(TinyShapes.ARCH, ParameterValues.none(), new FamilyContext(data, 1, 8));
            Family<ModelConfig> family = FamilyRegistry.of(configured);
            ModelConfig model = configured;
            TrainConfig config = TrainConfig.builder(model, "shapes").optEpochs(1).optBatchSize(8).optSeed(3)
                    .optTestFraction(0.25).optKeepCheckpoints(1).build();
            Path run = tmp.resolve(family.id());
            try (TensorBoardListener tb = new TensorBoardListener(run, config, false)) {
                TrainingRun.run(config, data, run, false, tb);
            }
            List<Map<Integer, List<Object>>> events = readAll(run.resolve(TensorBoardListener.DIRECTORY));
            Map<String, Integer> count = new HashMap<>();
            Map<String, Long> last = new HashMap<>();
            for (Map<Integer, List<Object>> e : events) {
                String tag = tag(e);
                if (tag == null) {
                    continue;
                }
                count.merge(tag, 1, Integer::sum);
                Long before = last.put(tag, step(e));
                assertTrue(before == null || step(e) > before, family.id() + " " + tag + ": steps increase");
                Map<Integer, List<Object>> v = summaryValue(e);
                if (v.containsKey(4)) {
                    byte[] png = (byte[]) decode((byte[]) v.get(4).get(0)).get(4).get(0);
                    assertNotNull(ImageIO.read(new ByteArrayInputStream(png)), family.id() + " " + tag);
                }
            }
            Set<String> tags = new TreeSet<>(count.keySet());
            String id = family.id() + " " + tags;
            assertEquals(3, count.get("step/loss"), id); // 30 training images, batches of 8
            for (String term : family.loggedTerms()) {
                assertTrue(tags.contains("step/" + term) && tags.contains("epoch/test/" + term), id);
            }
            assertTrue(tags.containsAll(List.of("step/learningRate", "epoch/imagesPerSecond", "config",
                    "images/reconstructions")), id);
            // the family's own epoch columns (codebook perplexity, a GAN's extras) and per-step terms
            for (String column : family.metricColumns(model)) {
                if (!EpochMetrics.COLUMNS.contains(column) && !column.startsWith(EpochMetrics.KL_DIM_COLUMN)) {
                    assertTrue(tags.contains("epoch/" + column), column + " in " + id);
                }
            }
            boolean gaussian = family.usesLatentDim();
            assertEquals(gaussian, tags.contains("latent/posteriorMean"), id);
            if (family.loggedTerms().contains(LossTerms.KL) && gaussian) {
                assertTrue(tags.contains("latent/klPerDim"), id);
            }
            if (!family.networks(model).isEmpty()) {
                for (String net : family.networks(model)) {
                    assertTrue(tags.contains("step/" + net + TrainingSession.UPDATED), id + ": the balance state");
                }
            }
        }
    }
}
