package dev.vaeforge.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a bundle can be wrong is refused with its own message, before any graph is used. */
class BundleValidationTest {
    @TempDir
    Path tmp;
    Path bundle;

    @BeforeEach
    void writeBundle() {
        bundle = tmp.resolve("b");
        TinyBundles.write(bundle);
    }

    @Test
    void validBundleOpensAndRuns() {
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            float[] s = rt.sample(3, 5);
            assertEquals(3 * 16, s.length);
            assertEquals(s[7], rt.sample(3, 5)[7], "same seed, same samples");
        }
    }

    @Test
    void modifiedGraphFailsItsHash() throws IOException {
        byte[] b = Files.readAllBytes(bundle.resolve("decoder.onnx"));
        b[b.length - 1] ^= 1;
        Files.write(bundle.resolve("decoder.onnx"), b);
        assertRefused("decoder.onnx: sha256 is ");
    }

    @Test
    void graphWhoseInputsDifferFromTheManifestIsRefused() throws IOException {
        GraphBuilder g = new GraphBuilder("decoder");
        String z = g.input("latent", DType.FLOAT, -1, TinyBundles.D);
        g.output("x_hat", g.op("Identity").in(z).out("i"), DType.FLOAT, -1, TinyBundles.D);
        replaceGraph("decoder.onnx", g.build(Map.of()).toByteArray());
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(bundle, Device.CPU).close());
        assertTrue(e.getMessage().contains("decoder.onnx: graph inputs are [latent:float32[N,2]] but manifest.json says [z:float32[N,2]]"),
                e.getMessage());
    }

    @Test
    void newerFormatVersionIsRefused() throws IOException {
        editManifest(s -> s.replace("\"formatVersion\" : 2", "\"formatVersion\" : 3"));
        assertRefused("bundle format version 3 is newer than this runtime supports (2)");
    }

    @Test
    void theFamilyIsOnlyALabel() throws IOException {
        editManifest(s -> s.replace("\"family\" : \"vae\"", "\"family\" : \"diffusion\""));
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            assertEquals("diffusion", rt.manifest().family());
            assertEquals(3 * 16, rt.sample(3, 5).length);
        }
    }

    @Test
    void notABundle() throws IOException {
        Files.delete(bundle.resolve("manifest.json"));
        assertRefused("no manifest.json (not a vaeforge bundle)");
        assertRefusedAt(tmp.resolve("nothing-here"), "no such bundle directory");
    }

    @Test
    void wrongFormatName() throws IOException {
        editManifest(s -> s.replace("vaeforge-bundle", "something-else"));
        assertRefused("field 'format' is 'something-else', expected 'vaeforge-bundle'");
    }

    @Test
    void fieldOfTheWrongTypeNamesTheField() throws IOException {
        editManifest(s -> s.replace("\"kind\" : \"gaussian\"", "\"kind\" : [\"gaussian\"]"));
        assertRefused("$.latent.kind");
    }

    @Test
    void missingGraphOfTheFamily() throws IOException {
        editManifest(s -> s.replace("\"decoder\" :", "\"decoderX\" :"));
        assertRefused("field 'graphs' has an unknown graph 'decoderX'");
        editManifest(s -> s.replace("\"decoderX\" :", "\"discriminator\" :"));
        assertRefused("field 'graphs' has no 'decoder' graph; every bundle needs one");
    }

    @Test
    void fileNamesThatLeaveTheBundleAreRefused() throws IOException {
        editManifest(s -> s.replace("\"file\" : \"decoder.onnx\"", "\"file\" : \"../decoder.onnx\""));
        assertRefused("file name '../decoder.onnx' leaves the bundle directory");
    }

    @Test
    void absoluteFileNamesAreRefused() throws IOException {
        editManifest(s -> s.replace("\"file\" : \"encoder.onnx\"", "\"file\" : \"/etc/passwd\""));
        assertRefused("graph 'encoder' file name '/etc/passwd' leaves the bundle directory; only plain file names are"
                + " allowed");
    }

    @Test
    void fieldsOfTheWrongShapeAreNamed() throws IOException {
        editManifest(s -> s.replace("\"opset\" : 17", "\"opset\" : [17]"));
        assertRefused("$.opset");
        editManifest(s -> s.replace("\"opset\" : [17]", "\"opset\" : 17").replace("\"family\" : \"vae\"",
                "\"family\" : {\"id\": \"vae\"}"));
        assertRefused("$.family");
    }

    @Test
    void aFamilyWhoseGraphFileIsMissingIsRefused() throws IOException {
        Files.delete(bundle.resolve("decoder.onnx"));
        assertRefused("decoder.onnx: missing (listed in manifest.json as the decoder graph)");
    }

    @Test
    void missingGraphFile() throws IOException {
        Files.delete(bundle.resolve("encoder.onnx"));
        assertRefused("encoder.onnx: missing (listed in manifest.json as the encoder graph)");
    }

    @Test
    void garbageWithAMatchingHashIsNotAGraph() throws IOException {
        replaceGraph("encoder.onnx", "this is not onnx".getBytes(StandardCharsets.UTF_8));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(bundle, Device.CPU).close());
        assertTrue(e.getMessage().contains("encoder.onnx is not"), e.getMessage());
    }

    @Test
    void externalDataIsRefused() throws IOException {
        Onnx.ModelProto m = OnnxModels.read(bundle.resolve("decoder.onnx"));
        Onnx.ModelProto.Builder b = m.toBuilder();
        Onnx.TensorProto.Builder t = b.getGraphBuilder().getInitializerBuilder(0);
        t.clearRawData().setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("/etc/passwd"));
        replaceGraph("decoder.onnx", b.build().toByteArray());
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(bundle, Device.CPU).close());
        assertTrue(e.getMessage().contains("references external data"), e.getMessage());
    }

    @Test
    void cudaWithoutTheProviderFailsClearly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> VaeRuntime.open(bundle, Device.parse("cuda:0")).close());
        assertEquals(VaeforgeException.Code.DEVICE, e.code());
        assertEquals(java.util.List.of("device"), e.parameters());
        assertTrue(e.getMessage().startsWith("device cuda:0 requested, but this ONNX Runtime build has no CUDA execution provider"));
    }

    private void replaceGraph(String file, byte[] bytes) throws IOException {
        String old = Hashing.sha256(bundle.resolve(file));
        Files.write(bundle.resolve(file), bytes);
        String now = Hashing.sha256(bytes);
        editManifest(s -> s.replace(old, now));
    }

    private void editManifest(UnaryOperator<String> edit) throws IOException {
        Path f = bundle.resolve("manifest.json");
        String before = Files.readString(f);
        String after = edit.apply(before);
        assertTrue(!before.equals(after), "the edit must change the manifest");
        Files.writeString(f, after);
    }

    private void assertRefused(String expected) {
        assertRefusedAt(bundle, expected);
    }

    private static void assertRefusedAt(Path dir, String expected) {
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> BundleReader.open(dir));
        assertEquals(VaeforgeException.Code.BAD_BUNDLE, e.code());
        assertTrue(e.getMessage().contains(expected), "expected <" + expected + "> in <" + e.getMessage() + ">");
    }
}
