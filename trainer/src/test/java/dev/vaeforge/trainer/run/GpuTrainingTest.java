package dev.vaeforge.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.vaeforge.trainer.train.Squares;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs an NVIDIA GPU and a CUDA libtorch (see EngineSetup); run with -Pgpu. */
@Tag("gpu")
class GpuTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void trainsOnTheGpuAndLoadsOnTheCpu() throws Exception {
        Path run = tmp.resolve("run");
        TrainingRun.run(Squares.config().optEpochs(1).optDevice("cuda:0").build(), Squares.dataset(40, 1), run, false);
        RunDirectory rd = RunDirectory.open(run);
        assertEquals("cuda:0", rd.config().device());
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            rd.loadModel(m);
        }
    }
}
