package dev.vaeforge.runtime.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.StringStringEntryProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of {@code vaeforge import} names the graph and the reason, and writes nothing; what is
 * unambiguous is inferred, and what is not is asked for by name.
 */
class ImportRefusalsTest {
    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("bundle");
    }

    private VaeforgeException refused(ImportOptions o) {
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> Importer.run(o, out(), false));
        assertEquals(VaeforgeException.Code.BAD_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("import refused: "), e.getMessage());
        assertFalse(Files.exists(out()), "nothing is written when import refuses");
        return e;
    }

    private ImportOptions options(ModelProto enc, ModelProto dec) throws Exception {
        return ImportOptions.of(ForeignGraphs.write(tmp, "enc.onnx", enc), ForeignGraphs.write(tmp, "dec.onnx", dec), null);
    }

    @Test
    void inferredBindingsMakeAWorkingBundle() throws Exception {
        Importer.Result r = Importer.run(options(ForeignGraphs.encoder(), ForeignGraphs.decoder(2, "Sigmoid")), out(), false);
        Manifest m = BundleReader.open(r.bundle()).manifest();
        assertEquals("mu", m.graphs().get("encoder").output(TensorRole.LATENT_MEAN).orElseThrow().name());
        assertEquals(TensorRole.VALUES_PROBABILITIES, m.graphs().get("decoder").outputs().get(0).values());
        assertEquals(Manifest.Latent.gaussian(2), m.latent());
        assertEquals(Files.readAllBytes(tmp.resolve("enc.onnx")).length, m.provenance().imported().sources().get("encoder").bytes());
        assertEquals(m.graphs().get("encoder").sha256(), m.provenance().imported().sources().get("encoder").sha256(),
                "a graph with nothing to pin is kept byte for byte");
    }

    @Test
    void fixedBatchDimension() throws Exception {
        VaeforgeException e = refused(options(ForeignGraphs.encoder("mu", "logvar", 2, 2, null),
                ForeignGraphs.decoder(2, "Sigmoid")));
        assertTrue(e.getMessage().contains("encoder graph") && e.getMessage().contains("fixed batch dimension of 2"),
                e.getMessage());
    }

    @Test
    void externalDataFiles() throws Exception {
        ModelProto enc = ForeignGraphs.encoder();
        TensorProto w = enc.getGraph().getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")).build();
        enc = enc.toBuilder().setGraph(enc.getGraph().toBuilder().setInitializer(0, w)).build();
        Files.write(tmp.resolve("weights.bin"), new byte[32]);
        VaeforgeException e = refused(options(enc, ForeignGraphs.decoder(2, "Sigmoid")));
        assertTrue(e.getMessage().contains("encoder graph") && e.getMessage().contains("external file in 'weights.bin'"),
                e.getMessage());
    }

    @Test
    void anOpOnnxRuntimeCannotRunQuotesOnnxRuntime() throws Exception {
        VaeforgeException e = refused(options(ForeignGraphs.encoder("mu", "logvar", -1, 2, "NoSuchOpAnywhere"),
                ForeignGraphs.decoder(2, "Sigmoid")));
        assertTrue(e.getMessage().contains("encoder graph") && e.getMessage().contains("cannot run this graph")
                && e.getMessage().contains("NoSuchOpAnywhere"), e.getMessage());
    }

    @Test
    void randomOpInTheEncoder() throws Exception {
        VaeforgeException e = refused(options(ForeignGraphs.encoder("mu", "logvar", -1, 2, "RandomNormalLike"),
                ForeignGraphs.decoder(2, "Sigmoid")));
        assertTrue(e.getMessage().contains("encoder graph") && e.getMessage().contains("RandomNormalLike"), e.getMessage());
    }

    @Test
    void shapesThatDoNotChain() throws Exception {
        VaeforgeException e = refused(options(ForeignGraphs.encoder(), ForeignGraphs.decoder(3, "Sigmoid")));
        assertTrue(e.getMessage().contains("shapes do not chain") && e.getMessage().contains("decoder graph"),
                e.getMessage());
    }

    @Test
    void decoderRangeContradictedByTheProbe() throws Exception {
        ImportOptions o = options(ForeignGraphs.encoder(), ForeignGraphs.decoder(2, null));
        ImportOptions declared = new ImportOptions(o.encoder(), o.decoder(), null, Map.of(), false, "probabilities", null,
                null, null, 17L);
        VaeforgeException e = refused(declared);
        assertTrue(e.getMessage().contains("decoder graph") && e.getMessage().contains("declared probabilities"),
                e.getMessage());
        ImportOptions tanh = new ImportOptions(o.encoder(), o.decoder(), null, Map.of(), false, "tanh", null,
                new Manifest.Likelihood("gaussian", 0.1), null, 17L);
        assertTrue(refused(tanh).getMessage().contains("declared tanh"));
    }

    @Test
    void ambiguousOutputsAreAskedForByNameAndBindSettlesThem() throws Exception {
        ImportOptions o = options(ForeignGraphs.encoder("a", "b", -1, 2, null), ForeignGraphs.decoder(2, "Sigmoid"));
        VaeforgeException e = refused(o);
        assertTrue(e.getMessage().contains("[a:float32[N,2], b:float32[N,2]]")
                && e.getMessage().contains("--bind mean=NAME,logvar=NAME"), e.getMessage());
        ImportOptions bound = new ImportOptions(o.encoder(), o.decoder(), null, Map.of("mean", "a", "logvar", "b"), false,
                null, null, null, null, 17L);
        Manifest m = Importer.run(bound, out(), false).manifest();
        assertEquals("b", m.graphs().get("encoder").output(TensorRole.LATENT_LOGVAR).orElseThrow().name());
        assertTrue(m.provenance().imported().bindings().get("encoder.a").contains("--bind mean=a"));
    }

    @Test
    void aMissingGraphFileIsNamed() throws Exception {
        ImportOptions o = options(ForeignGraphs.encoder(), ForeignGraphs.decoder(2, "Sigmoid"));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> Importer.run(ImportOptions.of(o.encoder(),
                tmp.resolve("nope.onnx"), null), out(), false));
        assertTrue(e.getMessage().contains("the decoder graph") && e.getMessage().contains("nope.onnx: no such file"),
                e.getMessage());
    }

    @Test
    void aDecoderWithoutSigmoidOrTanhIsAskedAbout() throws Exception {
        VaeforgeException e = refused(options(ForeignGraphs.encoder(), ForeignGraphs.decoder(2, null)));
        assertTrue(e.getMessage().contains("--decoder-output") && e.getMessage().contains("'x_hat'"), e.getMessage());
    }

    @Test
    void importedBundleWhoseGraphChangesFailsToOpen() throws Exception {
        ImportOptions o = options(ForeignGraphs.encoder(), ForeignGraphs.decoder(2, "Tanh"));
        Path b = Importer.run(new ImportOptions(o.encoder(), o.decoder(), null, Map.of(), false, null, null,
                new Manifest.Likelihood("gaussian", 0.1), null, 17L), out(), false).bundle();
        assertEquals(-1.0, BundleReader.open(b).manifest().image().pixelRange()[0], "a final Tanh means pixels in [-1, 1]");
        byte[] enc = Files.readAllBytes(b.resolve("encoder.onnx"));
        enc[enc.length - 1] ^= 1;
        Files.write(b.resolve("encoder.onnx"), enc);
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> BundleReader.open(b));
        assertEquals(VaeforgeException.Code.BAD_BUNDLE, e.code());
        assertTrue(e.getMessage().contains("encoder.onnx: sha256 is"), e.getMessage());
    }
}
