package dev.vaeforge.exporter;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.onnx.Versions;
import dev.vaeforge.trainer.engine.EngineSetup;
import dev.vaeforge.trainer.run.Checkpoint;
import dev.vaeforge.trainer.run.RunDirectory;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.io.IOException;
import dev.vaeforge.runtime.data.ImageDataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Exports a checkpoint of a run directory (latest by default, or the best by test loss) as a bundle. */
public final class RunExporter {
    /** Which checkpoint of the run to export. */
    public enum Which { LATEST, BEST }

    private RunExporter() {
    }

    public static Exporter.Result export(Path runDir, Which which, Path out, Exporter.Options options) {
        return export(runDir, which, out, options, null);
    }

    /**
     * @param trainingImages opens the run's training images when the model's export fits a prior on them
     *     (vqvae: the empirical code prior; see {@link Exporter#export(dev.vaeforge.trainer.family.ModelConfig,
     *     Block, Manifest.Provenance, Path, Exporter.Options, Supplier)}); null for none
     */
    public static Exporter.Result export(Path runDir, Which which, Path out, Exporter.Options options,
                                         Supplier<? extends ImageDataset> trainingImages) {
        RunDirectory run;
        try {
            run = RunDirectory.open(runDir);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_RUN, e.getMessage(), e);
        }
        EngineSetup.configure(run.config().threads());
        Checkpoint cp = which == Which.BEST ? run.bestCheckpoint() : run.latestCheckpoint();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Block block;
            try {
                block = run.loadBlock(manager, cp);
            } catch (IOException e) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_RUN, e.getMessage(), e);
            }
            return Exporter.export(run.config().model(), block, provenance(run, cp), out, options, trainingImages);
        }
    }

    static Manifest.Provenance provenance(RunDirectory run, Checkpoint cp) {
        Map<String, Object> config = Json.mapper().convertValue(run.config(), new TypeReference<Map<String, Object>>() { });
        Map<String, String> versions = new LinkedHashMap<>(run.info().environment());
        versions.put("vaeforgeExporter", Versions.vaeforge());
        versions.put("onnxRuntime", Versions.onnxRuntime());
        versions.put("checkpoint", cp.relativeName());
        versions.put("checkpointSha256", cp.info().paramsSha256());
        return new Manifest.Provenance(config, run.dataset().spec(), run.datasetFingerprint(), cp.epoch(), cp.info().step(),
                metrics(cp.metrics()), run.config().seed(), versions, System.getProperty("java.version"),
                System.getProperty("os.name").toLowerCase(Locale.ROOT), System.getProperty("os.arch"),
                run.path().toAbsolutePath().toString());
    }

    private static Map<String, Double> metrics(EpochMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (m == null) {
            return out; // a checkpoint taken inside an epoch has no evaluated metrics
        }
        out.put("trainLoss", m.trainLoss());
        out.put("trainRecon", m.trainRecon());
        out.put("trainKl", m.trainKl());
        out.put("testLoss", m.testLoss());
        out.put("testRecon", m.testRecon());
        out.put("testKl", m.testKl());
        if (m.beta() != null) {
            out.put("beta", m.beta());
        }
        if (m.capacity() != null) {
            out.put("capacity", m.capacity());
        }
        if (m.perplexity() != null) {
            out.put("testPerplexity", m.perplexity());
            out.put("testCodesUsed", m.codesUsed().doubleValue());
        }
        return out;
    }
}
