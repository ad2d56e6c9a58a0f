package dev.vaeforge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FactorDataset;
import dev.vaeforge.runtime.data.FactorSpec;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.NpyWriter;
import dev.vaeforge.runtime.data.Splits;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.trainer.train.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode a dataset to an .npy array of latents, in batches and bounded memory: the posterior"
                + " means [N, latent shape] (float32) of a Gaussian latent, or the code indices [N, h, w] (int64)"
                + " of a code grid. --with logvar writes the log-variances to NAME.logvar.npy. When the dataset"
                + " has labels or ground-truth factors they are written beside: NAME.labels.npy,"
                + " NAME.factors.npy (classes), NAME.factor_values.npy and NAME.factors.json.",
                "Example: vaeforge encode bundles/beta --input dsprites:n=10000 --out z.npy"})
final class EncodeCommand extends BundleCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--input", required = true, paramLabel = "DIR|SPEC",
            description = "A folder of images or a dataset spec (shapes..., dsprites..., npz:FILE, folder:DIR,"
                    + " celeba:DIR, idx:DIR, npy:FILE).")
    String input;

    @Option(names = "--level", paramLabel = "NAME", description = "A latent of several levels: the level to encode at"
            + " (its name in the manifest: inspect lists them, top first). Default: the bottom level, the decoder's.")
    String level;

    @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "The latents array.")
    Path out;

    @Option(names = "--with", paramLabel = "logvar", description = "Also write the log-variances (NAME.logvar.npy,"
            + " same shape as the means).")
    String with;

    @Option(names = "--limit", paramLabel = "N", description = "Encode only the first N images.")
    Integer limit;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    InputOptions inputOptions;

    @Mixin
    ConditionOptions conditionOptions;

    @Mixin
    DataOptions dataOptions;

    @Override
    int maxBatch() {
        return batchSize;
    }

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1 || batchSize > ReconstructCommand.MAX_BATCH) {
            throw ConditionOptions.bad("--batch-size must be in 1.." + ReconstructCommand.MAX_BATCH + ", got " + batchSize);
        }
        if (limit != null && limit < 1) {
            throw ConditionOptions.bad("--limit must be >= 1, got " + limit);
        }
        boolean logvar = false;
        if (with != null) {
            if (!with.strip().equalsIgnoreCase("logvar")) {
                throw ConditionOptions.bad("--with " + with + ": expected logvar");
            }
            logvar = true;
        }
        PrintWriter o = spec.commandLine().getOut();
        try (VaeRuntime rt = openRuntime(bundle)) {
            rt.selectLevel(level);
            if (logvar && !rt.hasGaussianLatent()) {
                throw ConditionOptions.bad("--with logvar needs a Gaussian latent; " + bundle + "'s latent is "
                        + rt.manifest().latent().kind() + ", whose codes have no variance");
            }
            Optional<Condition> given = conditionOptions.resolve(rt);
            boolean labels = given.isEmpty() && rt.condition().map(c -> c.kind() == ConditionKind.LABELS).orElse(false);
            ImageDataset data = open(rt, labels);
            DatasetConditions conditions = conditions(rt, given, data);
            int n = limit == null ? data.size() : Math.min(limit, data.size());
            if (n == 0) {
                throw ConditionOptions.bad("--input " + input + ": no images to encode");
            }
            long[] perItem = rt.latentShape();
            long[] shape = new long[perItem.length + 1];
            shape[0] = n;
            System.arraycopy(perItem, 0, shape, 1, perItem.length);
            int per = 1;
            for (long d : perItem) {
                per *= (int) d;
            }
            Optional<FactorDataset> factors = FactorDataset.of(data);
            boolean hasLabels = !data.labelNames().isEmpty();
            List<Path> written = new ArrayList<>();
            EvalProgressBar bar = new EvalProgressBar(spec.commandLine().getErr(), ProgressBar.isTerminal(), "encode");
            long start = System.nanoTime();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            int k = factors.map(f -> f.factors().count()).orElse(0);
            try (NpyWriter mu = NpyWriter.create(out, rt.hasCodes() ? NpyWriter.Type.INT64 : NpyWriter.Type.FLOAT32, shape);
                    NpyWriter lv = logvar ? NpyWriter.create(LatentFiles.beside(out, "logvar.npy"), NpyWriter.Type.FLOAT32, shape) : null;
                    NpyWriter lab = hasLabels ? NpyWriter.create(LatentFiles.beside(out, "labels.npy"), NpyWriter.Type.INT64, n) : null;
                    NpyWriter fc = k > 0 ? NpyWriter.create(LatentFiles.beside(out, "factors.npy"), NpyWriter.Type.INT64, n, k) : null;
                    NpyWriter fv = k > 0 ? NpyWriter.create(LatentFiles.beside(out, "factor_values.npy"), NpyWriter.Type.FLOAT32, n, k) : null) {
                int[] cls = new int[k];
                for (int from = 0; from < n; from += batchSize) {
                    int b = Math.min(batchSize, n - from);
                    float[] x = data.batch(order, from, b);
                    float[] y = conditions == null ? null : conditions.batch(order, from, b);
                    if (rt.hasCodes()) {
                        long[] codes = rt.quantize(rt.encodeGrid(x, b), b).indices();
                        mu.write(codes, 0, codes.length);
                    } else {
                        Posterior q = rt.encode(x, y, b);
                        mu.write(q.mu(), 0, b * per);
                        if (lv != null) {
                            lv.write(q.logvar(), 0, b * per);
                        }
                    }
                    for (int i = 0; i < b; i++) {
                        int idx = from + i;
                        if (lab != null) {
                            lab.write(new long[] {data.label(idx)}, 0, 1);
                        }
                        if (fc != null) {
                            FactorDataset.classesAt(data, idx, cls);
                            FactorSpec fs = factors.get().factors();
                            long[] c = new long[k];
                            float[] v = new float[k];
                            for (int j = 0; j < k; j++) {
                                c[j] = cls[j];
                                v[j] = (float) fs.values()[j][cls[j]];
                            }
                            fc.write(c, 0, k);
                            fv.write(v, 0, k);
                        }
                    }
                    bar.onProgress("images", from + b, n, (System.nanoTime() - start) / 1e9);
                }
                mu.commit();
                written.add(out);
                for (NpyWriter w : new NpyWriter[] {lv, lab, fc, fv}) {
                    if (w != null) {
                        w.commit();
                    }
                }
            }
            if (logvar) {
                written.add(LatentFiles.beside(out, "logvar.npy"));
            }
            if (hasLabels) {
                written.add(LatentFiles.beside(out, "labels.npy"));
            }
            if (k > 0) {
                Path json = LatentFiles.beside(out, "factors.json");
                AtomicFiles.writeString(json, factorsJson(factors.get().factors()));
                written.add(LatentFiles.beside(out, "factors.npy"));
                written.add(LatentFiles.beside(out, "factor_values.npy"));
                written.add(json);
            }
            o.printf(Locale.ROOT, "encoded %d images of %s to %s, shape %s (%s)%n", n, data.description(),
                    out.toAbsolutePath(), shapeText(shape), rt.hasCodes() ? "code indices, int64" : "posterior means, float32");
            for (Path p : written.subList(1, written.size())) {
                o.printf("wrote %s%n", p);
            }
        }
        return 0;
    }

    static String factorsJson(FactorSpec f) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode arr = root.putArray("factors");
        for (int k = 0; k < f.count(); k++) {
            ObjectNode n = arr.addObject();
            n.put("name", f.names().get(k));
            n.put("classes", f.size(k));
            ArrayNode v = n.putArray("values");
            for (double d : f.values()[k]) {
                v.add(d);
            }
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String shapeText(long[] s) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(s[i]);
        }
        return sb.append(s.length == 1 ? ",)" : ")").toString();
    }

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
            throw ConditionOptions.bad("--input " + input + ": " + e.getMessage()
                    + "; or pass --label/--condition to use one condition for every image");
        }
    }

    private ImageDataset open(VaeRuntime rt, boolean labels) throws IOException {
        Path p = Path.of(input);
        try {
            DatasetOptions options = dataOptions.apply(inputOptions.options(rt.imageShape()).withFolderLabels(labels),
                    spec.commandLine().getErr());
            ImageDataset all = Files.isDirectory(p) ? FolderDataset.open(p, options) : DatasetResolver.open(input, options);
            return dataOptions.split() == null ? all : Splits.part(all, dataOptions.split(), options.splitSizes());
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--input " + input + ": " + e.getMessage(), e);
        }
    }
}
