package dev.vaeforge.trainer.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.family.FamilyRegistry;
import dev.vaeforge.trainer.train.ResumableAdam;
import dev.vaeforge.trainer.train.SessionSnapshot;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a verified format-2 checkpoint back into the {@link SessionSnapshot} a session restores. */
final class CheckpointSnapshots {
    private CheckpointSnapshots() {
    }

    static SessionSnapshot read(Checkpoint c, ModelConfig model) throws IOException {
        TrainingState st = c.info().state();
        if (st == null) {
            throw new InvalidRunException(c.directory() + " holds weights only (no optimiser or training state);"
                    + " it cannot be resumed exactly");
        }
        String optFile = st.optimizer().file();
        if (c.info().files() == null || !c.info().files().containsKey(optFile)) {
            throw new InvalidRunException(c.directory().resolve(RunLayout.CHECKPOINT_INFO) + " names optimiser file '"
                    + optFile + "' but does not list it with a hash");
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Block block = FamilyRegistry.of(model).newBlock(model);
            DjlParams.load(c.paramsFile(), block, m);
            for (Pair<String, Parameter> p : block.getParameters()) {
                weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        List<ResumableAdam.SlotState> slots = OptimizerStateFile.read(c.directory().resolve(optFile));
        ResumableAdam.State opt = new ResumableAdam.State(st.optimizer().learningRate(), st.optimizer().updates(), slots);
        return new SessionSnapshot(weights, opt, st.family());
    }
}
