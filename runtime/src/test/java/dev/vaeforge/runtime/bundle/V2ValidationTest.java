package dev.vaeforge.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each structural check of a format-2 manifest refuses with its own message naming manifest.json and the field. */
class V2ValidationTest {
    @TempDir
    Path tmp;

    @Test
    void pixelRangeNeedsLoBelowHi() throws IOException {
        refused(gaussian(), s -> s.replace("\"pixelRange\" : [ 0.0, 1.0 ]", "\"pixelRange\" : [ 1.0, 1.0 ]"),
                "manifest.json: field 'image.pixelRange' must be [lo, hi] with lo < hi, got [1.0, 1.0]");
    }

    @Test
    void everyTensorNeedsAKnownRole() throws IOException {
        Path b = gaussian();
        refused(b, s -> s.replace(",\n        \"role\" : \"latent-mean\"", ""),
                "field 'graphs.encoder.outputs[0].role' is missing (tensor 'mu')");
        refused(b, s -> s.replace("\"role\" : \"latent-mean\"", "\"role\" : \"mean\""),
                "field 'graphs.encoder.outputs[0].role' is 'mean', expected one of [image,");
        refused(b, s -> s.replace("\"role\" : \"latent-logvar\"", "\"role\" : \"latent-mean\""),
                "field 'graphs.encoder.outputs[1].role': role 'latent-mean' appears twice in graph 'encoder' outputs");
    }

    @Test
    void anEncoderNeedsThePosteriorItClaims() throws IOException {
        refused(gaussian(), s -> s.replace("\"role\" : \"latent-logvar\"", "\"role\" : \"latent-sample\""),
                "field 'graphs.encoder.outputs' needs tensors with roles latent-mean and latent-logvar, or one with role"
                        + " latent-moments");
    }

    @Test
    void aDecoderNeedsAReconstructionWithItsValueKind() throws IOException {
        Path b = gaussian();
        refused(b, s -> s.replace("\"values\" : \"probabilities\"", "\"values\" : \"percent\""),
                "field 'graphs.decoder.outputs' tensor 'x_hat' (role reconstruction) needs 'values' one of [probabilities,"
                        + " logits, pixels], got 'percent'");
        refused(b, s -> s.replace("\"role\" : \"reconstruction\"", "\"role\" : \"features\""),
                "field 'graphs.decoder.outputs' has no tensor with role 'reconstruction'");
    }

    @Test
    void inputsTheRuntimeCannotFeedAreRefused() throws IOException {
        refused(gaussian(), s -> s.replace("\"role\" : \"latent\"", "\"role\" : \"noise\""),
                "field 'graphs.decoder.inputs' tensor 'z' has role 'noise', which the runtime cannot feed to this graph"
                        + " (expected [latent, condition])");
    }

    @Test
    void tensorShapesMustAgreeWithTheLatent() throws IOException {
        refused(gaussian(), s -> s.replace("\"shape\" : [ 2 ]", "\"shape\" : [ 3 ]"),
                "field 'graphs.decoder.inputs' tensor z:float32[N,2] (role latent) must be z:float32[N,3] to agree with"
                        + " the manifest's image and latent");
    }

    @Test
    void latentKindAndShapeAreChecked() throws IOException {
        Path b = gaussian();
        refused(b, s -> s.replace("\"kind\" : \"gaussian\"", "\"kind\" : \"levels\""),
                "field 'latent.levels' must list 2 levels (top first) for a latent of kind levels; this runtime runs "
                        + "hierarchies of 2 levels, got none");
        refused(b, s -> s.replace("\"kind\" : \"gaussian\"", "\"kind\" : \"flow\""),
                "field 'latent.kind' must be gaussian or codes, got 'flow'");
        refused(b, s -> s.replace("\"shape\" : [ 2 ]", "\"shape\" : [ 2, 2 ]"),
                "field 'latent.shape' of a gaussian latent must be [D] or [C, h, w] with positive values, got [2, 2]");
        Path c = codes(null);
        refused(c, s -> s.replace("\"codeDim\" : 1", "\"codeDim\" : 0"), "field 'latent.codeDim' must be a positive integer");
    }

    @Test
    void thePriorMustFitTheLatent() throws IOException {
        refused(gaussian(), s -> s.replace("\"standard-normal\"", "\"codes-uniform\""),
                "field 'prior.type' must be standard-normal or gaussian-mixture or graphs for a latent of kind gaussian, got 'codes-uniform'");
        refused(codes(null), s -> s.replace("\"codes-uniform\"", "\"standard-normal\""),
                "field 'prior.type' must be codes-uniform or codes-empirical for a latent of kind codes, got 'standard-normal'");
    }

    @Test
    void theCodePriorFileIsVerified() throws IOException {
        Path b = codes(new CodePrior(2, 2, 2, 1, List.of(new long[] {1, 0}, new long[] {0, 1}, new long[] {1, 0},
                new long[] {0, 1})));
        refused(b, s -> s.replace("\"file\" : \"code_prior.json\"", "\"file\" : \"../code_prior.json\""),
                "field 'prior.file' must be a plain file name inside the bundle, got ../code_prior.json");
        refused(b, s -> s.replaceFirst("\"sha256\" : \"[0-9a-f]+\",\n    \"file\"", "\"sha256\" : \"00\",\n    \"file\"")
                .replaceFirst("(\"file\" : \"code_prior.json\",\n    \"sha256\" : )\"[0-9a-f]+\"", "$1\"00\""),
                "code_prior.json: sha256 is ");
        Files.writeString(b.resolve("code_prior.json"), Files.readString(b.resolve("code_prior.json")) + " ");
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> BundleReader.open(b));
        assertTrue(e.getMessage().contains("code_prior.json: sha256 is "), e.getMessage());
    }

    @Test
    void aCodeGridNeedsItsQuantizer() throws IOException {
        Path b = codes(null);
        refused(b, s -> s.replaceFirst("\"quantizer\" :", "\"discriminator\" :"),
                "field 'graphs' has no 'quantizer' graph, which a latent of kind codes needs (its codebook)");
        refused(b, s -> s.replace("\"role\" : \"codebook\"", "\"role\" : \"features\""),
                "field 'graphs.quantizer.outputs' has no tensor with role 'codebook'");
    }

    @Test
    void priorGraphsNeedTheirPriorTypeAndUnknownGraphRoles() throws IOException {
        Path b = gaussian();
        refused(b, s -> s.replace("\"encoder\" :", "\"prior_sample\" :"),
                "field 'graphs.prior_sample': the prior graphs need field 'prior.type' graphs, got 'standard-normal'");
        refused(b, s -> s.replace("\"standard-normal\"", "\"graphs\""),
                "field 'graphs' has no 'prior_sample' graph, which prior type graphs needs (prior_sample and prior_log_prob)");
        refused(b, s -> s.replace("\"encoder\" :", "\"critic\" :"),
                "field 'graphs' has an unknown graph 'critic'; expected one of [encoder, decoder, quantizer, discriminator,"
                        + " top_down, posterior_flow, prior_sample, prior_log_prob]");
    }

    @Test
    void aQuantizerNeedsACodesLatent() throws IOException {
        Path b = gaussian();
        String m = Files.readString(b.resolve("manifest.json"));
        String q = "\"quantizer\" : { \"file\" : \"encoder.onnx\", \"sha256\" : \"" + dev.vaeforge.runtime.io.Hashing.sha256(
                b.resolve("encoder.onnx")) + "\", \"inputs\" : [ { \"name\" : \"x\", \"dtype\" : \"float32\", \"shape\" :"
                + " [ -1, 1, 4, 4 ], \"role\" : \"latent-unquantized\" } ], \"outputs\" : [ { \"name\" : \"mu\", \"dtype\" :"
                + " \"float32\", \"shape\" : [ -1, 2 ], \"role\" : \"codebook\" } ] },\n    \"encoder\" :";
        refused(b, s -> m.replaceFirst("\"encoder\" :", java.util.regex.Matcher.quoteReplacement(q)), "field 'graphs.quantizer': a quantizer needs a latent of kind codes,"
                + " the latent is gaussian");
    }

    @Test
    void aPosteriorFlowNeedsTheEncodersContext() throws IOException {
        Path b = gaussian();
        String m = Files.readString(b.resolve("manifest.json"));
        String f = "\"posterior_flow\" : { \"file\" : \"encoder.onnx\", \"sha256\" : \"" + dev.vaeforge.runtime.io.Hashing.sha256(
                b.resolve("encoder.onnx")) + "\", \"inputs\" : [ { \"name\" : \"z0\", \"dtype\" : \"float32\", \"shape\" :"
                + " [ -1, 2 ], \"role\" : \"latent-base\" }, { \"name\" : \"context\", \"dtype\" : \"float32\", \"shape\" :"
                + " [ -1, 3 ], \"role\" : \"posterior-context\" } ], \"outputs\" : [ { \"name\" : \"z\", \"dtype\" :"
                + " \"float32\", \"shape\" : [ -1, 2 ], \"role\" : \"latent\" }, { \"name\" : \"log_det\", \"dtype\" :"
                + " \"float32\", \"shape\" : [ -1 ], \"role\" : \"log-det\" } ] },\n    \"encoder\" :";
        refused(b, s -> m.replaceFirst("\"encoder\" :", java.util.regex.Matcher.quoteReplacement(f)),
                "field 'graphs.encoder.outputs' has no tensor with role 'posterior-context'");
    }

    private Path gaussian() {
        Path b = tmp.resolve("g" + System.nanoTime());
        TinyBundles.write(b);
        return b;
    }

    private Path codes(CodePrior prior) {
        Path b = tmp.resolve("c" + System.nanoTime());
        V2Fixtures.writeCodes(b, prior);
        return b;
    }

    /** Edits manifest.json, expects {@code fragment} in the refusal, and restores the file. */
    private static void refused(Path bundle, UnaryOperator<String> edit, String fragment) throws IOException {
        Path m = bundle.resolve("manifest.json");
        String original = Files.readString(m);
        String edited = edit.apply(original);
        assertNotEquals(original, edited, "the edit changed nothing: " + fragment);
        Files.writeString(m, edited);
        try {
            VaeforgeException e = assertThrows(VaeforgeException.class, () -> BundleReader.open(bundle));
            assertEquals(VaeforgeException.Code.BAD_BUNDLE, e.code());
            assertTrue(e.getMessage().contains(fragment), "expected <" + fragment + "> in <" + e.getMessage() + ">");
        } finally {
            Files.writeString(m, original);
        }
    }
}
