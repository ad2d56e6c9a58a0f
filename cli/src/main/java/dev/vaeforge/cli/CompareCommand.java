package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Subset;
import dev.vaeforge.runtime.eval.FolderPairs;
import dev.vaeforge.runtime.eval.Lpips;
import dev.vaeforge.runtime.eval.MetricName;
import dev.vaeforge.runtime.eval.PairComparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two sets of images pair by pair (folders matched by relative file name without extension; "
                + "dataset specs by index) with SSIM, GMSD, PSNR, MSE and LPIPS; writes one row per pair (CSV, or JSON "
                + "when --out ends in .json) and prints the means. Folder pairs may differ in size from each other; only "
                + "the two images of one pair must agree (or pass --resize). A metric that cannot measure a pair's size "
                + "(LPIPS below its backbone's minimum, SSIM below 11x11) is left empty for that pair, counted and named.",
                "Example: vaeforge compare --a originals/ --b reconstructions/ --out pairs.csv"})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--a", required = true, paramLabel = "DIR|SPEC", description = "First set (reference).")
    String a;

    @Option(names = "--b", required = true, paramLabel = "DIR|SPEC", description = "Second set.")
    String b;

    @Option(names = "--metrics", defaultValue = "ssim,gmsd,psnr,mse,lpips", paramLabel = "LIST",
            description = "Comma-separated subset of ssim, gmsd, psnr, mse, lpips. Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Per-pair values (.csv or .json).")
    Path out;

    @Mixin
    LpipsOptions lpips;

    @Option(names = "--batch-size", defaultValue = "64", description = "Pairs per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    InputOptions input;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        var wanted = MetricName.parseList(metrics, "metrics");
        lpips.check();
        if (lpips.noLpips) {
            wanted.remove(MetricName.LPIPS);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw VaeforgeException.badParameter("batch-size must be in 1..4096, got " + batchSize, "batch-size");
        }
        boolean folders = Files.isDirectory(Path.of(a)) && Files.isDirectory(Path.of(b));
        // two folders: every pair at its own size, so only the file list is read here (resize lets any size pass)
        ImageDataset da = folders ? openFolder(a) : open(a, null);
        ImageDataset db = folders ? openFolder(b) : open(b, da.shape());
        List<String> names = new ArrayList<>();
        int[][] pairs = match(da, db, names);
        PairComparison.Result r;
        try (Lpips lp = wanted.contains(MetricName.LPIPS) ? lpips.open(device.parse()) : null) {
            r = folders
                    ? PairComparison.run(new FolderPairs((FolderDataset) da, (FolderDataset) db, pairs[0], pairs[1], names,
                            input.resize), wanted, lp, batchSize, device.parse(), out)
                    : PairComparison.run(new Subset(da, pairs[0], "a"), new Subset(db, pairs[1], "b"), names, wanted, lp,
                            batchSize, device.parse(), out);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("compared %d pairs; per-pair values in %s%n", r.pairs(), out.toAbsolutePath());
        if (r.lpips() != null) {
            o.printf("  LPIPS graph: LPIPS-%s, sha256 %s (%s)%n", r.lpips().backbone(), r.lpips().sha256(), r.lpips().source());
        }
        r.metrics().forEach((k, s) -> o.printf(Locale.ROOT, "  %-5s mean %.6f  std %.6f%s%n", k, s.mean(), s.std(),
                s.infinite() > 0 ? "  (" + s.infinite() + " identical pairs, infinite PSNR, not in the mean)" : ""));
        r.notComputed().forEach((k, v) -> o.printf("  %s not computed: %s%n", k, v));
        return 0;
    }

    private ImageDataset openFolder(String dir) throws IOException {
        try {
            return FolderDataset.open(Path.of(dir), DatasetOptions.defaults().withResize(true).withSkipBad(input.skipBad));
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, dir + ": " + e.getMessage(), e);
        }
    }

    private ImageDataset open(String spec, ImageShape shape) throws IOException {
        Path p = Path.of(spec);
        try {
            if (Files.isDirectory(p)) {
                return FolderDataset.open(p, input.options(shape));
            }
            return DatasetResolver.open(spec, input.options(shape));
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, spec + ": " + e.getMessage(), e);
        }
    }

    /** Index pairs by relative name without extension for folders, by position otherwise; all must match. */
    private int[][] match(ImageDataset da, ImageDataset db, List<String> names) {
        if (!(da instanceof FolderDataset fa) || !(db instanceof FolderDataset fb)) {
            if (da.size() != db.size()) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--a has " + da.size() + " images and --b "
                        + db.size() + "; sets that are not two folders are matched by position and must be the same size");
            }
            int[] idx = new int[da.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
                names.add(Integer.toString(i));
            }
            return new int[][] {idx, idx.clone()};
        }
        Map<String, Integer> inB = new LinkedHashMap<>();
        for (int i = 0; i < fb.size(); i++) {
            inB.put(stem(fb.relativePath(i)), i);
        }
        List<String> missing = new ArrayList<>();
        List<Integer> ia = new ArrayList<>();
        List<Integer> ib = new ArrayList<>();
        for (int i = 0; i < fa.size(); i++) {
            Integer j = inB.remove(stem(fa.relativePath(i)));
            if (j == null) {
                missing.add(fa.relativePath(i));
            } else {
                ia.add(i);
                ib.add(j);
                names.add(stem(fa.relativePath(i)));
            }
        }
        if (!missing.isEmpty() || !inB.isEmpty()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "the folders do not match by file name: "
                    + missing.size() + " in --a without a partner (e.g. " + first(missing) + "), " + inB.size()
                    + " in --b without a partner (e.g. " + first(new ArrayList<>(inB.keySet())) + ")");
        }
        return new int[][] {ia.stream().mapToInt(Integer::intValue).toArray(), ib.stream().mapToInt(Integer::intValue).toArray()};
    }

    private static String stem(String rel) {
        String r = rel.replace('\\', '/');
        int dot = r.lastIndexOf('.');
        return dot > r.lastIndexOf('/') ? r.substring(0, dot) : r;
    }

    private static String first(List<String> l) {
        return l.isEmpty() ? "none" : l.subList(0, Math.min(3, l.size())).toString();
    }
}
