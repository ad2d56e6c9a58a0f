package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.NpyArray;
import dev.vaeforge.runtime.data.NpyWriter;
import dev.vaeforge.trainer.train.ProgressBar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decode an .npy array of latents (as encode writes them: [N, latent shape] floats for a"
                + " Gaussian latent, [N, h, w] integer code indices for a code grid) to images, in batches and"
                + " bounded memory: one PNG per row into a directory, or one float32 array [N, C, H, W] in [0, 1]"
                + " when --out ends in .npy.",
                "Example: vaeforge decode bundles/vae --latents z.npy --out decoded/"})
final class DecodeCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--latents", required = true, paramLabel = "FILE.npy", description = "The latents, one row per image.")
    Path latents;

    @Option(names = "--level", paramLabel = "NAME", description = "A latent of several levels: the level to decode from"
            + " (its name in the manifest: inspect lists them, top first). Default: the bottom level, the decoder's.")
    String level;

    @Option(names = "--out", required = true, paramLabel = "DIR|FILE.npy", description = "A directory for PNGs, or an .npy file.")
    Path out;

    @Option(names = "--batch-size", defaultValue = "64", description = "Latents per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    ConditionOptions conditionOptions;

    @Override
    int maxBatch() {
        return batchSize;
    }

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1 || batchSize > ReconstructCommand.MAX_BATCH) {
            throw ConditionOptions.bad("--batch-size must be in 1.." + ReconstructCommand.MAX_BATCH + ", got " + batchSize);
        }
        try (VaeRuntime rt = openRuntime(bundle); NpyArray z = NpyArray.open(latents)) {
            rt.selectLevel(level);
            long[] per = rt.latentShape();
            long[] s = z.shape();
            long[] expected = new long[per.length + 1];
            expected[0] = s[0];
            System.arraycopy(per, 0, expected, 1, per.length);
            boolean flat = s.length == 2 && s[1] == Arrays.stream(per).reduce(1, (a, b) -> a * b);
            if (!Arrays.equals(s, expected) && !flat) {
                throw ConditionOptions.bad("--latents " + latents + " has shape " + z.shapeText() + ", but " + bundle
                        + "'s latent is " + EncodeCommand.shapeText(per) + " per image; expected "
                        + EncodeCommand.shapeText(expected));
            }
            if (rt.hasCodes() && z.isFloat()) {
                throw ConditionOptions.bad("--latents " + latents + " holds " + z.dtype() + " values, but " + bundle
                        + "'s latent is a grid of codes; expected integer code indices (as encode writes them)");
            }
            if (s[0] < 1 || s[0] > Integer.MAX_VALUE) {
                throw ConditionOptions.bad("--latents " + latents + " has " + s[0] + " rows; expected at least one");
            }
            int n = (int) s[0];
            Optional<Condition> given = conditionOptions.resolve(rt);
            if (rt.condition().isPresent() && given.isEmpty()) {
                throw ConditionOptions.bad(bundle + " is conditioned on " + rt.condition().get().describe()
                        + "; pass --label or --condition for the decoded images");
            }
            ImageShape shape = rt.imageShape();
            boolean toArray = out.getFileName().toString().endsWith(".npy");
            if (!toArray) {
                Files.createDirectories(out);
            }
            EvalProgressBar bar = new EvalProgressBar(spec.commandLine().getErr(), ProgressBar.isTerminal(), "decode");
            long start = System.nanoTime();
            try (NpyWriter w = toArray ? NpyWriter.create(out, NpyWriter.Type.FLOAT32, n, shape.channels(),
                    shape.height(), shape.width()) : null) {
                for (int from = 0; from < n; from += batchSize) {
                    int b = Math.min(batchSize, n - from);
                    float[] y = given.map(c -> c.repeat(b)).orElse(null);
                    float[] x;
                    if (rt.hasCodes()) {
                        x = rt.decodeCodes(z.readLongs(from, b), b);
                    } else {
                        x = rt.decode(z.readFloats(from, b), y, b);
                    }
                    if (w != null) {
                        w.write(x);
                    } else {
                        for (int i = 0; i < b; i++) {
                            ImageFiles.writePng(Arrays.copyOfRange(x, i * shape.size(), (i + 1) * shape.size()), shape,
                                    out.resolve(String.format(Locale.ROOT, "decoded-%05d.png", from + i)));
                        }
                    }
                    bar.onProgress("latents", from + b, n, (System.nanoTime() - start) / 1e9);
                }
                if (w != null) {
                    w.commit();
                }
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "decoded %d latents of %s into %s%n", n, latents,
                    out.toAbsolutePath() + (toArray ? " (float32 " + EncodeCommand.shapeText(new long[] {n,
                            shape.channels(), shape.height(), shape.width()}) + ", values in [0, 1])" : ""));
        }
        return 0;
    }
}
