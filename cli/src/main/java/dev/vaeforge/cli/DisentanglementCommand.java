package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FactorDataset;
import dev.vaeforge.runtime.data.FactorSpec;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.NpyArray;
import dev.vaeforge.runtime.disentangle.BundleRepresentation;
import dev.vaeforge.runtime.disentangle.Disentanglement;
import dev.vaeforge.runtime.disentangle.DisentanglementReport;
import dev.vaeforge.runtime.disentangle.DisentanglementResult;
import dev.vaeforge.runtime.disentangle.DisentanglementSettings;
import dev.vaeforge.runtime.disentangle.FactorSampler;
import dev.vaeforge.runtime.disentangle.GeneratedSampler;
import dev.vaeforge.runtime.disentangle.RowSampler;
import dev.vaeforge.trainer.train.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "disentanglement", mixinStandardHelpOptions = true,
        description = {"Score how disentangled a representation is: BetaVAE, FactorVAE, MIG, SAP, DCI"
                + " (disentanglement, completeness, informativeness) and modularity/explicitness, with"
                + " disentanglement_lib's definitions and default sample sizes (Locatello et al. 2019), seeded."
                + " Writes metrics.json, metrics.md and metrics.html (with a latent traversal, traversal.png, for a bundle) into --out. See docs/DISENTANGLEMENT.md.",
                "Either a bundle with a Gaussian latent on a dataset with ground-truth factors (its posterior"
                        + " means of images drawn for chosen factors), or a given representation:"
                        + " --latents z.npy [N, D] against --factors f.npy [N, K] of discrete factors.",
                "Examples: vaeforge disentanglement bundles/beta --data dsprites --out scores/",
                "          vaeforge disentanglement --latents z.npy --factors z.factors.npy --out scores/"})
final class DisentanglementCommand extends BundleCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--data", defaultValue = "dsprites", paramLabel = "SPEC", description = "A dataset with ground-truth"
            + " factors: dsprites, npz:FILE or shapes... Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--latents", paramLabel = "FILE.npy", description = "A given representation [N, D] (rows = images).")
    Path latents;

    @Option(names = "--factors", paramLabel = "FILE.npy", description = "Discrete factors [N, K] of the same rows"
            + " (integer classes or a few distinct values per column).")
    Path factors;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every draw and classifier. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--num-train", paramLabel = "N", description = "Training points of BetaVAE, FactorVAE, SAP, DCI,"
            + " modularity (default 10000).")
    Integer numTrain;

    @Option(names = "--num-eval", paramLabel = "N", description = "Evaluation points of the same (default 5000).")
    Integer numEval;

    @Option(names = "--points-batch", paramLabel = "N", description = "Points per BetaVAE/FactorVAE sample (default 64).")
    Integer pointsBatch;

    @Option(names = "--num-variance", paramLabel = "N", description = "Points of FactorVAE's global variances (default 10000).")
    Integer numVariance;

    @Option(names = "--mig-points", paramLabel = "N", description = "Points of MIG (default 10000).")
    Integer migPoints;

    @Option(names = "--sap-continuous", description = "SAP with continuous factors (squared correlation) instead of"
            + " a linear SVM per factor.")
    boolean sapContinuous;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--no-traversal", description = "Bundle mode: do not add a latent traversal (traversal.png) to"
            + " the report.")
    boolean noTraversal;

    @Mixin
    ConditionOptions conditionOptions;

    @Override
    int maxBatch() {
        return batchSize;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        boolean given = latents != null || factors != null;
        if (given && bundle != null) {
            throw ConditionOptions.bad("give a BUNDLE or --latents/--factors, not both");
        }
        if (!given && bundle == null) {
            throw ConditionOptions.bad("give a BUNDLE (with --data) or --latents and --factors");
        }
        if (given && (latents == null || factors == null)) {
            throw ConditionOptions.bad("--latents and --factors go together: the representation and its factors");
        }
        DisentanglementSettings d = DisentanglementSettings.defaults();
        DisentanglementResult r;
        if (given) {
            RowSampler rows = rows();
            int n = rows.rows();
            // every row is used: MIG on all of them, the train/test scores on a 2:1 split of them
            d = new DisentanglementSettings(seed, or(pointsBatch, d.batch()), or(numTrain, n - n / 3), or(numEval, Math.max(1, n / 3)),
                    or(numVariance, n), or(migPoints, n), d.bins(), sapContinuous);
            r = Disentanglement.run(latents.getFileName() + " vs " + factors.getFileName(), rows, d, progress());
        } else {
            d = new DisentanglementSettings(seed, or(pointsBatch, d.batch()), or(numTrain, d.numTrain()),
                    or(numEval, d.numEval()), or(numVariance, d.numVariance()), or(migPoints, d.migPoints()), d.bins(),
                    sapContinuous);
            try (VaeRuntime rt = openRuntime(bundle)) {
                FactorDataset f = factorData(rt);
                Optional<Condition> c = conditionOptions.resolve(rt);
                if (rt.condition().isPresent() && c.isEmpty()) {
                    throw ConditionOptions.bad(bundle + " is conditioned on " + rt.condition().get().describe()
                            + "; pass --label or --condition to fix the condition of every image");
                }
                BundleRepresentation rep = new BundleRepresentation(rt, f, c.map(Condition::vector).orElse(null),
                        bundle.toString());
                FactorSampler s = new GeneratedSampler(f.factors(), rep, rep.codeSize());
                o.printf(Locale.ROOT, "scoring %s on %s (factors %s), about %d images to encode%n", bundle,
                        data, f.factors(), d.imagesNeeded());
                r = Disentanglement.run(bundle.getFileName() + " on " + data, s, d, progress());
            }
        }
        Files.createDirectories(out);
        String traversal = null;
        if (!given && !noTraversal) {
            // the same traversal `vaeforge traverse` draws, rows by mean KL over the scored dataset's first images
            List<String> args = new ArrayList<>(List.of("traverse", bundle.toString(), "--data", data, "--dims", "all",
                    "--out", out.resolve("traversal.png").toString(), "--device", device.device));
            if (conditionOptions.label != null) {
                args.addAll(List.of("--label", conditionOptions.label));
            }
            if (conditionOptions.condition != null) {
                args.addAll(List.of("--condition", conditionOptions.condition));
            }
            int code = spec.root().commandLine().execute(args.toArray(new String[0]));
            if (code == 0) {
                traversal = "traversal.png";
            } else {
                spec.commandLine().getErr().println("disentanglement: the traversal failed (exit " + code
                        + "); the scores are written without it");
            }
        }
        DisentanglementReport.write(r, out, traversal);
        for (String h : DisentanglementResult.HEADLINE) {
            o.printf(Locale.ROOT, "%-26s %.4f%n", h, r.score(h));
        }
        o.printf(Locale.ROOT, "%d points in %.1f s (%.0f points/s); wrote %s (metrics.json, metrics.md, metrics.html)%n",
                r.pointsEncoded(), r.seconds(), r.pointsPerSecond(), out.toAbsolutePath());
        return 0;
    }

    private static int or(Integer v, int fallback) {
        return v == null ? fallback : v;
    }

    private Disentanglement.Listener progress() {
        EvalProgressBar bar = new EvalProgressBar(spec.commandLine().getErr(), ProgressBar.isTerminal(), "disentanglement");
        return (current, done, total, seconds) -> bar.onProgress(current, done, total, seconds);
    }

    private FactorDataset factorData(VaeRuntime rt) throws IOException {
        ImageDataset all;
        try {
            all = DatasetResolver.open(data, DatasetOptions.defaults().withShape(rt.imageShape())
                    .withProgress(DataOptions.progress(spec.commandLine().getErr())));
        } catch (IllegalArgumentException e) {
            throw ConditionOptions.bad("--data " + data + ": " + e.getMessage());
        }
        return FactorDataset.of(all).orElseThrow(() -> ConditionOptions.bad("--data " + data + ": " + all.description()
                + " has no ground-truth factors; expected a dataset with factors (dsprites, npz:FILE, shapes)"));
    }

    /** The given representation and its factors, each column of factors mapped to classes 0..m-1. */
    private RowSampler rows() throws IOException {
        double[][] z;
        double[][] f;
        try (NpyArray lz = NpyArray.open(latents); NpyArray lf = NpyArray.open(factors)) {
            if (lz.shape().length != 2) {
                throw ConditionOptions.bad("--latents " + latents + " has shape " + lz.shapeText()
                        + "; expected (N, D), one code per row");
            }
            if (lf.shape().length != 2 && lf.shape().length != 1) {
                throw ConditionOptions.bad("--factors " + factors + " has shape " + lf.shapeText()
                        + "; expected (N, K), the factors of each row");
            }
            if (lz.rows() != lf.rows()) {
                throw ConditionOptions.bad("--latents " + latents + " has shape " + lz.shapeText() + " but --factors "
                        + factors + " has " + lf.shapeText() + "; expected the same number of rows");
            }
            if (lz.rows() < 3) {
                throw ConditionOptions.bad("--latents " + latents + " has " + lz.rows() + " rows; expected at least 3");
            }
            z = table(lz);
            f = table(lf);
        }
        int n = z.length;
        int k = f[0].length;
        int[][] classes = new int[n][k];
        int[] sizes = new int[k];
        double[][] values = new double[k][];
        for (int j = 0; j < k; j++) {
            TreeMap<Double, Integer> distinct = new TreeMap<>();
            for (double[] row : f) {
                distinct.putIfAbsent(row[j], 0);
            }
            if (distinct.size() > 1000 || distinct.size() > n / 2 && n > 20) {
                throw ConditionOptions.bad("--factors " + factors + ": column " + j + " has " + distinct.size()
                        + " distinct values in " + n + " rows; expected discrete factors (bin a continuous one first)");
            }
            int c = 0;
            values[j] = new double[distinct.size()];
            for (var e : distinct.entrySet()) {
                values[j][c] = e.getKey();
                e.setValue(c++);
            }
            sizes[j] = distinct.size();
            for (int i = 0; i < n; i++) {
                classes[i][j] = distinct.get(f[i][j]);
            }
        }
        List<String> names = factorNames(k);
        return new RowSampler(new FactorSpec(names, sizes, values), classes, z);
    }

    private List<String> factorNames(int k) throws IOException {
        String name = factors.getFileName().toString();
        Path json = factors.toAbsolutePath().resolveSibling((name.endsWith(".npy") ? name.substring(0, name.length() - 4)
                : name) + ".json");
        List<String> names = new ArrayList<>();
        if (Files.isRegularFile(json)) {
            var node = dev.vaeforge.runtime.Json.mapper().readTree(json.toFile()).path("factors");
            node.forEach(n -> names.add(n.path("name").asText()));
        }
        if (names.size() != k) {
            names.clear();
            for (int j = 0; j < k; j++) {
                names.add("factor" + j);
            }
        }
        return names;
    }

    private static double[][] table(NpyArray a) throws IOException {
        int n = Math.toIntExact(a.rows());
        int w = Math.toIntExact(a.rowElements());
        double[] flat = a.readDoubles(0, n);
        double[][] t = new double[n][w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * w, t[i], 0, w);
        }
        return t;
    }
}
