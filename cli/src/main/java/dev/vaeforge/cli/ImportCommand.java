package dev.vaeforge.cli;

import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.importer.ImportOptions;
import dev.vaeforge.runtime.importer.Importer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Write a bundle around encoder/decoder ONNX graphs another tool exported (torch.onnx.export, ...):"
                + " reads their signatures with ONNX Runtime, binds each tensor to its role where that is unambiguous"
                + " (else asks, listing what it found), runs batches of 2 and 3 through the chain, and stores golden"
                + " tensors for 'vaeforge verify'. See docs/IMPORT.md.",
                "Example: vaeforge import --encoder enc.onnx --decoder dec.onnx --out bundles/mine"})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--encoder", required = true, paramLabel = "FILE", description = "Encoder graph: image -> posterior"
            + " (mean and log-variance, or their concatenation), or -> z_e with --quantizer.")
    Path encoder;

    @Option(names = "--decoder", required = true, paramLabel = "FILE", description = "Decoder graph: latent -> image.")
    Path decoder;

    @Option(names = "--quantizer", paramLabel = "FILE", description = "A code-grid model's quantizer: z_e -> code indices"
            + " (int64 [N,h,w]), z_q [N,D,h,w] and the codebook [K,D].")
    Path quantizer;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Bundle directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
    boolean overwrite;

    @Option(names = "--bind", paramLabel = "KEY=TENSOR[,...]", description = "Which tensor plays which part; keys: image,"
            + " mean, logvar, moments, unquantized, latent, reconstruction, indices, quantized, codebook.")
    String bind;

    @Option(names = "--moments", paramLabel = "concat", description = "concat: the encoder's one output is mean and"
            + " log-variance concatenated along axis 1 (diffusers' AutoencoderKL).")
    String moments;

    @Option(names = "--decoder-output", paramLabel = "probabilities|logits|tanh|pixels", description = "How the decoder's"
            + " output reads as pixels (default: inferred from a final Sigmoid or Tanh). pixels: values in --pixel-range,"
            + " clipped.")
    String decoderOutput;

    @Option(names = "--pixel-range", paramLabel = "LO:HI", description = "Range of the graphs' image tensors (0:1 or -1:1;"
            + " default 0:1, -1:1 with tanh).")
    String pixelRange;

    @Option(names = "--likelihood", paramLabel = "bernoulli|gaussian:SIGMA", description = "The decoder's likelihood"
            + " (default bernoulli for probabilities and logits; required for pixels).")
    String likelihood;

    @Option(names = "--latent-scale", paramLabel = "F", description = "Latents are used scaled: the runtime's latent is F"
            + " times the graphs' (diffusers' scaling_factor, e.g. 0.18215).")
    Double latentScale;

    @Option(names = "--seed", defaultValue = "17", description = "Seed of the probe and golden inputs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        if (moments != null && !moments.equals("concat")) {
            throw dev.vaeforge.runtime.VaeforgeException.badParameter("moments '" + moments + "' is not concat", "moments");
        }
        ImportOptions o = new ImportOptions(encoder, decoder, quantizer, bind == null ? Map.of() : ImportOptions.parseBind(bind),
                moments != null, decoderOutput, pixelRange == null ? null : ImportOptions.parsePixelRange(pixelRange),
                likelihood == null ? null : ImportOptions.parseLikelihood(likelihood), latentScale, seed);
        Importer.Result r = Importer.run(o, out, overwrite);
        PrintWriter w = spec.commandLine().getOut();
        Manifest m = r.manifest();
        w.printf("imported %s%n", r.bundle());
        w.printf("  image       %dx%dx%d, pixels in [%s, %s]%n", m.image().channels(), m.image().height(), m.image().width(),
                InspectCommand.fmt(m.image().pixelRange()[0]), InspectCommand.fmt(m.image().pixelRange()[1]));
        w.printf("  latent      %s%n", InspectCommand.latent(m.latent()));
        w.printf("  likelihood  %s%n", InspectCommand.likelihood(m.likelihood()));
        for (String n : r.notes()) {
            w.printf("  %s%n", n);
        }
        for (Manifest.Imported.Probe p : m.provenance().imported().probes()) {
            w.printf("  probe       %s, batch %d: %s -> %s%n", p.graph(), p.batch(), p.inputs(), p.outputs());
        }
        w.printf("  golden      batch %d, seed %d, %d graphs (vaeforge verify %s)%n", m.golden().batch(), m.golden().seed(),
                m.golden().graphs().size(), r.bundle());
        return 0;
    }
}
