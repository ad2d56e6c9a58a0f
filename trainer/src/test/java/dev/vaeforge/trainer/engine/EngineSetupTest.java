package dev.vaeforge.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
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

    @Test
    void tunesGlibcAndOpenMpBeforeTheEngineLoads() {
        EngineSetup.configure(0);
        NativeLibrary libc = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
        assumeTrue(Platform.isLinux() && hasFunction(libc, "gnu_get_libc_version"), "glibc");
        assertTrue(NativeAllocator.keepFreedMemory(), "glibc accepted the mallopt settings");
        // the C environment (what libgomp reads), not the JVM's start-up copy of it
        String set = libc.getFunction("getenv").invokeString(new Object[] {OpenMpWait.VARIABLE}, false);
        String before = System.getenv(OpenMpWait.VARIABLE);
        assertEquals(before == null ? "PASSIVE" : before, set, "a value from the environment wins");
        assertEquals("glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2147483647:glibc.malloc.top_pad=67108864",
                NativeAllocator.glibcTunables());
    }

    private static boolean hasFunction(NativeLibrary lib, String name) {
        try {
            lib.getFunction(name);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }
}
