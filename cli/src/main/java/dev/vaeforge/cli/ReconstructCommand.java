package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.BadFile;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.Splits;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.runtime.image.ImageGrid;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = {"Reconstruct images through the bundle's encoder and decoder (posterior mean), in batches. "
                + "Writes one PNG per image (same relative names for folders), comparison.png (originals above "
                + "reconstructions) and prints the mean squared error.",
                "Example: vaeforge reconstruct bundles/vae --input my-images/ --out recon/"})
final class ReconstructCommand extends BundleCommand {
    private static final int GRID_IMAGES = 32;
    /** The largest --batch-size: a batch is held in memory (images and reconstructions), as evaluate bounds it. */
    static final int MAX_BATCH = 4096;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--input", required = true, paramLabel = "DIR|FILE|SPEC",
            description = "A folder of images, one image file, or a dataset spec (shapes..., folder:DIR, celeba:DIR,"
                    + " idx:DIR, npy:FILE).")
    String input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--limit", paramLabel = "N", description = "Reconstruct only the first N images.")
    Integer limit;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per ONNX Runtime call, 1..4096. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    InputOptions inputOptions;

    @Mixin
    ConditionOptions conditionOptions;

    /** --split picks a part of a dataset (its own split, or the seeded one train uses); default: all images. */
    @Mixin
    DataOptions dataOptions;

    @Override
    int maxBatch() {
        return batchSize;
    }

    @Override
    public Integer call() throws IOException {
        if (limit != null && limit < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--limit must be >= 1, got " + limit);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--batch-size must be in 1..4096, got " + batchSize);
        }
        PrintWriter o = spec.commandLine().getOut();
        try (VaeRuntime rt = openRuntime(bundle)) {
            ImageShape shape = rt.imageShape();
            Optional<Condition> given = conditionOptions.resolve(rt);
            boolean labels = given.isEmpty() && rt.condition().map(c -> c.kind() == ConditionKind.LABELS).orElse(false);
            ImageDataset data = open(shape, labels);
            DatasetConditions conditions = conditions(rt, given, data);
            int n = limit == null ? data.size() : Math.min(limit, data.size());
            if (n == 0) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, input + ": no images to reconstruct");
            }
            Files.createDirectories(out);
            int per = shape.size();
            int shown = Math.min(GRID_IMAGES, n);
            float[] gridOrig = new float[shown * per];
            float[] gridRec = new float[shown * per];
            double sse = 0;
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int from = 0; from < n; from += batchSize) {
                int b = Math.min(batchSize, n - from);
                float[] x = data.batch(order, from, b);
                float[] r = rt.reconstruct(x, conditions == null ? null : conditions.batch(order, from, b), b);
                for (int i = 0; i < b; i++) {
                    int idx = from + i;
                    float[] one = new float[per];
                    System.arraycopy(r, i * per, one, 0, per);
                    ImageFiles.writePng(one, shape, out.resolve(outputName(data, idx)));
                    double e = 0;
                    for (int k = 0; k < per; k++) {
                        double d = x[i * per + k] - r[i * per + k];
                        e += d * d;
                    }
                    sse += e / per;
                    if (idx < shown) {
                        System.arraycopy(x, i * per, gridOrig, idx * per, per);
                        System.arraycopy(r, i * per, gridRec, idx * per, per);
                    }
                }
            }
            ImageFiles.writePng(ImageGrid.comparison(gridOrig, gridRec, shape, shown, Math.min(8, shown), 2),
                    out.resolve("comparison.png"));
            o.printf(Locale.ROOT, "reconstructed %d images (posterior mean) into %s; mean MSE %.6f%n", n,
                    out.toAbsolutePath(), sse / n);
            o.printf("comparison grid %s%n", out.resolve("comparison.png").toAbsolutePath());
            reportSkipped(data, o);
        }
        return 0;
    }

    /**
     * Each image's condition for a cvae bundle: the one given with --label/--condition for all, else the
     * dataset's own; null for an unconditional bundle.
     */
    private DatasetConditions conditions(VaeRuntime rt, Optional<Condition> given, ImageDataset data) {
        if (rt.condition().isEmpty()) {
            return null;
        }
        if (given.isPresent()) {
            return DatasetConditions.fixed(given.get());
        }
        try {
            return DatasetConditions.of(rt.condition().get(), data);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--input " + input + ": " + e.getMessage()
                    + "; or pass --label/--condition to use one condition for every image", e);
        }
    }

    /** @param labels label folder images by their sub-folder (for a bundle conditioned on labels) */
    private ImageDataset open(ImageShape shape, boolean labels) throws IOException {
        Path p = Path.of(input);
        Split split = dataOptions.split();
        try {
            if (Files.isRegularFile(p)) {
                if (split != null) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--split needs a dataset, but --input "
                            + input + " is one image file");
                }
                float[] x = ImageFiles.readImage(p, shape, inputOptions.resize);
                return new ArrayDataset(p.getFileName().toString(), shape, x, null, null);
            }
            DatasetOptions options = dataOptions.apply(inputOptions.options(shape).withFolderLabels(labels),
                    spec.commandLine().getErr());
            ImageDataset all = Files.isDirectory(p) ? FolderDataset.open(p, options)
                    : DatasetResolver.open(input, options);
            return split == null ? all : Splits.part(all, split, options.splitSizes());
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--input " + input + ": " + e.getMessage(), e);
        }
    }

    private static String outputName(ImageDataset data, int idx) {
        if (data instanceof Subset s && s.base() instanceof FolderDataset) {
            return outputName(s.base(), s.baseIndex(idx));
        }
        if (data instanceof FolderDataset f) {
            String rel = f.relativePath(idx).replace('\\', '/');
            int dot = rel.lastIndexOf('.');
            return (dot > rel.lastIndexOf('/') ? rel.substring(0, dot) : rel).replace('/', '_') + ".png";
        }
        if (data instanceof ArrayDataset a && a.size() == 1) {
            String name = a.description().split(" ")[0];
            int dot = name.lastIndexOf('.');
            return (dot > 0 ? name.substring(0, dot) : name) + ".recon.png";
        }
        return String.format("recon-%05d.png", idx);
    }

    private void reportSkipped(ImageDataset data, PrintWriter o) throws IOException {
        List<BadFile> bad = data.skipped();
        if (!bad.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (BadFile b : bad) {
                sb.append(b.path().replaceAll("[\t\r\n]", " ")).append('\t')
                        .append(b.reason().replaceAll("[\t\r\n]", " ")).append('\n');
            }
            AtomicFiles.write(out.resolve("skipped.tsv"), sb.toString().getBytes(StandardCharsets.UTF_8));
            o.printf("skipped %d unreadable images, listed in %s%n", bad.size(), out.resolve("skipped.tsv").toAbsolutePath());
        }
    }
}
