package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.loss.ResumableState;
import dev.vaeforge.trainer.train.SessionSnapshot;
import dev.vaeforge.trainer.train.Squares;
import dev.vaeforge.trainer.train.TestSessions;
import dev.vaeforge.trainer.train.TrainConfig;
import dev.vaeforge.trainer.train.TrainingSession;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A family's own state (here: a schedule that counts its steps) goes into checkpoint.json through
 * {@link ResumableState} and comes back on restore.
 */
class FamilyStateTest {
    @TempDir
    Path tmp;

    /** A VAE loss with a "schedule" whose position is the number of training steps seen. */
    static final class Scheduled implements Objective, ResumableState {
        private final Objective vae = VaeLoss.of(Squares.MODEL);
        int position;

        @Override
        public LossTerms compute(NDArray x, NDList outputs) {
            position++;
            return vae.compute(x, outputs);
        }

        @Override
        public String stateKey() {
            return "testSchedule";
        }

        @Override
        public JsonNode snapshotState() {
            return JsonNodeFactory.instance.objectNode().put("position", position);
        }

        @Override
        public void restoreState(JsonNode snapshot) {
            position = snapshot.get("position").asInt();
        }
    }

    @Test
    void familyStateTravelsThroughACheckpoint() throws Exception {
        EngineSetup.configure(0);
        ArrayDataset data = Squares.dataset(64, 2);
        TrainConfig cfg = Squares.config().build();
        Scheduled first = new Scheduled();
        Checkpoint cp;
        try (TrainingSession s = TestSessions.withObjective(cfg, first)) {
            s.trainEpoch(data, 1, (step, n, m) -> { });
            assertEquals(4, first.position);
            SessionSnapshot snap = s.snapshot();
            TrainingState start = TrainingLoop.initial(cfg, data, snap, Instant.now().toString());
            TrainingState.Position p = start.position();
            TrainingState state = new TrainingState(new TrainingState.Position(0, 4, 4, p.shuffleSeed(), p.batchSize(),
                    p.trainImages(), p.trainFingerprint()), start.noise(), start.optimizer(), start.epochTotals(), 0,
                    start.metrics(), start.faults(), start.family(), start.clock());
            cp = new CheckpointStore(tmp, 2).save(s.model(), snap, state, null);
        }
        String json = Files.readString(cp.directory().resolve("checkpoint.json"));
        assertTrue(json.contains("\"testSchedule\" : {\n        \"position\" : 4\n      }"), json);
        CheckpointStore.verify(cp);

        Scheduled second = new Scheduled();
        try (TrainingSession s = TestSessions.withObjective(cfg, second)) {
            s.restore(CheckpointSnapshots.read(CheckpointStore.list(tmp).get(0), cfg.model()));
            assertEquals(4, second.position);
        }

        SessionSnapshot none = CheckpointSnapshots.read(cp, cfg.model());
        SessionSnapshot without = new SessionSnapshot(none.weights(), none.optimizer(), java.util.Map.of());
        try (TrainingSession s = TestSessions.withObjective(cfg, new Scheduled())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.restore(without));
            assertEquals("the checkpoint holds no 'testSchedule' state for family 'vae' (it has [])", e.getMessage());
        }
    }
}
