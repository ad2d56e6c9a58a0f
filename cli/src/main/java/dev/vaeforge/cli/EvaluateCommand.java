package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.Splits;
import dev.vaeforge.runtime.eval.EvalOutputs;
import dev.vaeforge.runtime.eval.EvalSettings;
import dev.vaeforge.runtime.eval.EvaluationResult;
import dev.vaeforge.runtime.eval.HtmlReport;
import dev.vaeforge.runtime.eval.Evaluator;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.eval.MarkdownTable;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.eval.RunningStats;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.train.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate bundles on a dataset with ONNX Runtime: reconstruction metrics (BCE, MSE, PSNR, KL, ELBO, "
                + "SSIM, GMSD, LPIPS) and generation metrics (prior samples against their reconstructions). Writes "
                + "metrics.json, metrics.csv (per image), metrics.md, best/worst/sample grids and report.html. With "
                + "several bundles, each goes to OUT/<bundle name>/, OUT/comparison.md has one row per model and "
                + "OUT/comparison.html shows their ELBO surgery and prior samples side by side.",
                "Example: vaeforge evaluate bundles/vae --data shapes:n=2000,seed=9 --out eval/vae"})
final class EvaluateCommand extends BundleCommand {
    @Parameters(arity = "1..*", paramLabel = "BUNDLE", description = "One or more bundle directories or BUNDLE.zip archives.")
    List<Path> bundles;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = "Dataset spec (shapes..., folder:DIR).")
    String data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images.")
    Integer limit;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--metrics", defaultValue = "all", paramLabel = "LIST",
            description = "Comma-separated: bce, mse, psnr, kl, elbo, ssim, gmsd, lpips, or all. Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Mixin
    LpipsOptions lpips;

    @Option(names = "--samples", defaultValue = "1000", description = "Prior samples for the generation metrics (0 = none). Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--nll-samples", defaultValue = "0", paramLabel = "S", description = "Estimate -log p(x) of every "
            + "image by importance sampling with S draws from the encoder (Burda et al. 2016): nll (nats), bpd (bits per "
            + "dimension) and nll_se; bundles with a Gaussian latent. 0 = off; 500 is a common choice. Default: "
            + "${DEFAULT-VALUE}.")
    int nllSamples;

    @Option(names = "--surgery-images", defaultValue = "" + EvalSettings.DEFAULT_SURGERY_IMAGES, paramLabel = "K",
            description = "ELBO surgery (Hoffman & Johnson 2016) of a Gaussian latent: split the mean KL into the mutual "
            + "information I[x; z] and the marginal KL(q(z) || p(z)) over a seeded subsample of K posteriors, whose "
            + "mixture is the aggregate posterior (cost grows with K^2; MI cannot exceed log K). 0 = off. Default: "
            + "${DEFAULT-VALUE}.")
    int surgeryImages;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prior samples and of the ELBO's posterior draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    InputOptions input;

    @Mixin
    DataOptions dataOptions;

    @Override
    int maxBatch() {
        return batchSize;
    }

    @Override
    public Integer call() throws IOException {
        java.util.Set<MetricName> wanted = MetricName.parseList(metrics, "metrics");
        lpips.check();
        if (lpips.noLpips) {
            // asked for explicitly: no "not computed" line, no column
            wanted.remove(MetricName.LPIPS);
        }
        EvalSettings settings = new EvalSettings(limit, batchSize, wanted, samples, seed, nllSamples, surgeryImages);
        Device dev = device.parse();
        checkDistinctNames();
        if (Files.exists(out) && !overwrite) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, out + " already exists; choose another --out or pass --overwrite");
        }
        PrintWriter o = spec.commandLine().getOut();
        List<EvaluationResult> results = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        try (Lpips lp = settings.has(MetricName.LPIPS) ? lpips.open(dev) : null) {
            if (lp instanceof dev.vaeforge.runtime.metrics.lpips.LpipsDistance a) {
                o.printf("LPIPS: %s%n", a.summary());
            }
            for (Path bundle : bundles) {
                Path target = bundles.size() == 1 ? out : out.resolve(bundle.toAbsolutePath().normalize().getFileName().toString());
                results.add(evaluateOne(bundle, target, settings, dev, lp));
                targets.add(target);
                print(o, results.get(results.size() - 1), target);
            }
        }
        if (bundles.size() > 1) {
            String table = MarkdownTable.comparison(results);
            AtomicFiles.write(out.resolve("comparison.md"), ("# Comparison on " + data + "\n\n" + table).getBytes(StandardCharsets.UTF_8));
            o.println();
            o.print(table);
            o.printf("comparison table %s%n", out.resolve("comparison.md").toAbsolutePath());
            AtomicFiles.write(out.resolve("comparison.html"), HtmlReport.comparison(results,
                    targets, data).getBytes(StandardCharsets.UTF_8));
            o.printf("comparison report %s%n", out.resolve("comparison.html").toAbsolutePath());
        }
        return 0;
    }

    private EvaluationResult evaluateOne(Path bundle, Path target, EvalSettings settings, Device dev, Lpips lp) throws IOException {
        try (VaeRuntime rt = openRuntime(bundle)) {
            ImageDataset ds;
            // the bundle decides which metrics apply before any data is read
            Evaluator ev = new Evaluator(rt, settings, lp, dev,
                    new EvalProgressBar(spec.commandLine().getErr(), ProgressBar.isTerminal(), bundle.getFileName().toString()));
            Split split = dataOptions.split();
            try {
                // a bundle conditioned on labels reads folder datasets' classes from their sub-folders
                boolean labels = rt.condition().map(c -> c.kind() == ConditionKind.LABELS).orElse(false);
                DatasetOptions options = dataOptions.apply(input.options(rt.imageShape()).withFolderLabels(labels),
                        spec.commandLine().getErr());
                ImageDataset all = DatasetResolver.open(data, options);
                ds = split == null ? all : Splits.part(all, split, options.splitSizes());
            } catch (IllegalArgumentException e) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--data " + data + ": " + e.getMessage(), e);
            }
            EvaluationResult.DatasetRef ref = new EvaluationResult.DatasetRef(data,
                    split == null ? null : split.name().toLowerCase(java.util.Locale.ROOT), ds.description(),
                    ds.fingerprint(), ds.size());
            java.util.Set<MetricName> columns = java.util.EnumSet.copyOf(settings.metrics());
            if (lp == null || lp.unsupportedReason(rt.imageShape()) != null) {
                columns.remove(MetricName.LPIPS);
            }
            try (EvalOutputs outputs = EvalOutputs.create(target, overwrite, columns)) {
                return ev.evaluate(ds, ref, bundle, outputs);
            }
        }
    }

    private void checkDistinctNames() {
        Set<String> names = new HashSet<>();
        for (Path b : bundles) {
            if (!names.add(b.toAbsolutePath().normalize().getFileName().toString())) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "two bundles are called '"
                        + b.getFileName() + "'; their results would share OUT/" + b.getFileName() + "; rename one");
            }
        }
    }

    private static void print(PrintWriter o, EvaluationResult r, Path target) {
        o.printf(Locale.ROOT, "%s: %d images, %.1f images/s%n", r.bundle().path(), r.dataset().images(),
                r.throughput().imagesPerSecond());
        line(o, "reconstruction", r.reconstruction());
        if (r.generation() != null) {
            line(o, "generation", r.generation());
        }
        if (r.codes() != null) {
            o.printf(Locale.ROOT, "  codes: perplexity %.2f, %d of %d used%n", r.codes().perplexity(), r.codes().codesUsed(),
                    r.codes().codebookSize());
        }
        r.notComputed().forEach((k, v) -> o.printf("  %s not computed: %s%n", k, v));
        o.printf("  report %s%n", target.resolve(EvalOutputs.REPORT).toAbsolutePath());
    }

    private static void line(PrintWriter o, String what, Map<String, RunningStats.Summary> m) {
        StringBuilder sb = new StringBuilder("  " + what + ":");
        m.forEach((k, s) -> sb.append(' ').append(k).append(' ').append(fmt(s.mean())));
        o.println(sb);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.2f" : "%.5f", v);
    }
}
