package dev.vaeforge.trainer.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.trainer.model.Likelihood;
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
}
