package dev.vaeforge.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import org.junit.jupiter.api.Test;

class EngineSetupTest {
    @Test
    void parsesDeviceSpecs() {
        assertEquals(DeviceSpec.CPU, DeviceSpec.parse(" CPU "));
        assertEquals(new DeviceSpec(0), DeviceSpec.parse("cuda"));
        assertEquals("cuda:2", DeviceSpec.parse("cuda:2").toString());
        for (String bad : new String[] {"gpu", "cuda:", "cuda:-1", "cuda:x", "tpu:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse(bad));
            assertEquals("device must be cpu, cuda or cuda:N, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void keepsUserThreadSettings() {
        // surefire passes -Dai.djl.pytorch.num_threads=2; configure must not override it
        String before = System.getProperty(EngineSetup.NUM_THREADS);
        EngineSetup.configure(0);
        assertEquals(before == null ? Integer.toString(Runtime.getRuntime().availableProcessors()) : before,
                System.getProperty(EngineSetup.NUM_THREADS));
        assertEquals("true", System.getProperty(EngineSetup.OFFLINE));
    }

    @Test
    void cudaWithoutGpuSaysHowToFixIt() {
        EngineSetup.configure(0);
        assumeFalse(Engine.getInstance().hasCapability(StandardCapabilities.CUDA), "engine has CUDA");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSetup.device("cuda:0"));
        assertEquals("--device cuda:0 requested but DJL's PyTorch engine sees no GPU; to train on a GPU set"
                + " PYTORCH_LIBRARY_PATH to a libtorch 2.7.1+cu128 and PYTORCH_FLAVOR=cu128", e.getMessage());
        assertEquals(Device.cpu(), EngineSetup.device("cpu"));
    }
}
