package dev.vaeforge.trainer.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.prior.PriorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvVaeTest {
    @Test
    void forwardShapes() {
        VaeConfig cfg = new VaeConfig(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(cfg);
            vae.initialize(m, DataType.FLOAT32, vae.inputShape(2));
            NDArray x = m.randomUniform(0, 1, new Shape(3, 1, 16, 16));
            NDList out = vae.forward(new ParameterStore(m, false), new NDList(x), true);
            assertEquals(new Shape(3, 1, 16, 16), out.get(0).getShape());
            assertEquals(new Shape(3, 4), out.get(1).getShape());
            assertEquals(new Shape(3, 4), out.get(2).getShape());
        }
    }

    /**
     * A VampPrior step leaves nothing behind in the model's manager: the pseudo-images and their
     * encoder activations belong to the step's manager and go with it (they once accumulated in the
     * parameters' manager, about 10 MB a step).
     */
    @Test
    void vampPriorStepAllocatesNothingInTheModelsManager() {
        Architecture arch = new Architecture(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0)
                .withPrior(PriorSpec.of("vamp", 3));
        try (NDManager model = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(new VaeConfig(arch));
            vae.initialize(model, DataType.FLOAT32, vae.inputShape(2));
            NDManager owner = vae.pseudoInputs().getArray().getManager();
            int before = owner.getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                try (NDManager batch = model.newSubManager()) {
                    NDArray x = batch.randomUniform(0, 1, new Shape(2, 1, 16, 16));
                    NDList out = vae.forward(new ParameterStore(batch, false), new NDList(x), true);
                    assertEquals(new Shape(3, 4), out.get(out.size() - 2).getShape(), "prior means [K, D]");
                }
            }
            assertEquals(before, owner.getManagedArrays().size(), "arrays left in the parameters' manager");
        }
    }
}
