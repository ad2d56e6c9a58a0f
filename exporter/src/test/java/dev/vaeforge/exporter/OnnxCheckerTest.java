package dev.vaeforge.exporter;

import dev.vaeforge.trainer.family.Architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import dev.vaeforge.trainer.vaegan.VaeGan;
import dev.vaeforge.trainer.vqvae.VqVae;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the reference ONNX checker (Debian's python3-onnx, full check with shape inference) over an
 * exported bundle where it is installed; skipped otherwise. The product never needs Python.
 */
class OnnxCheckerTest {
    /** The graphs only (the checker needs no manifest, so no runtime has to reopen the bundle). */
    private static void writeGraphs(Exporter.Prepared p, Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        for (var e : p.graphs().entrySet()) {
            Files.write(dir.resolve(e.getKey().fileName()), e.getValue());
        }
    }

    @Test
    void exportedGraphsPassOnnxChecker(@TempDir Path tmp) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import onnx").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3-onnx is not installed (apt-get install python3-onnx)");
        VaeConfig cfg = new VaeConfig(3, 16, 5, List.of(8, 16), Likelihood.BERNOULLI, 0);
        Path out = tmp.resolve("b");
        Path cond = tmp.resolve("cvae");
        Path vqOut = tmp.resolve("vqvae");
        Path ganOut = tmp.resolve("vaegan");
        try (NDManager m = NDManager.newBaseManager()) {
            ConvVae vae = new ConvVae(cfg);
            vae.initialize(m, DataType.FLOAT32, vae.inputShape(2));
            writeGraphs(Exporter.prepare(cfg, vae, ExportFixtures.PROVENANCE, Exporter.Options.defaults(), null), out);
            // the cvae's graphs have a second input and a Concat
            CvaeConfig c = new CvaeConfig(new Architecture(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0), ConditionKind.LABELS, List.of("a", "b", "c"));
            ConditionalVae cvae = new ConditionalVae(c);
            cvae.initialize(m, DataType.FLOAT32, cvae.inputShapes(2));
            writeGraphs(Exporter.prepare(c, cvae, ExportFixtures.PROVENANCE, Exporter.Options.defaults(), null), cond);
            // the vqvae's quantizer: ReduceSum, MatMul, ArgMin, Gather and an int64 output
            VqVaeConfig q = new VqVaeConfig(new Architecture(1, 16, 1, List.of(8, 16), Likelihood.BERNOULLI, 0), 16, 4, null, false, null, null, null);
            VqVae vq = new VqVae(q);
            vq.initialize(m, DataType.FLOAT32, vq.inputShape(2));
            writeGraphs(Exporter.prepare(q, vq, ExportFixtures.PROVENANCE, Exporter.Options.defaults(), null), vqOut);
            // the vaegan's discriminator: 4x4 stride-2 convolutions and two outputs
            VaeGanConfig g = new VaeGanConfig(new Architecture(1, 16, 4, List.of(8, 16), Likelihood.BERNOULLI, 0), null, 1, null, null, null, null);
            VaeGan gan = new VaeGan(g);
            gan.initialize(m, DataType.FLOAT32, gan.inputShape(2));
            writeGraphs(Exporter.prepare(g, gan, ExportFixtures.PROVENANCE, Exporter.Options.defaults(), null), ganOut);
        }
        String script = "import onnx,sys\n"
                + "for f in sys.argv[1:]:\n"
                + "    m = onnx.load(f)\n"
                + "    onnx.checker.check_model(m, full_check=True)\n"
                + "    print('ok', f, m.opset_import[0].version)\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, out.resolve("encoder.onnx").toString(),
                out.resolve("decoder.onnx").toString(), cond.resolve("encoder.onnx").toString(),
                cond.resolve("decoder.onnx").toString(), vqOut.resolve("encoder.onnx").toString(),
                vqOut.resolve("quantizer.onnx").toString(), vqOut.resolve("decoder.onnx").toString(),
                ganOut.resolve("discriminator.onnx").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        p.waitFor(120, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), output);
    }
}
