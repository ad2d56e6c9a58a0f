package dev.vaeforge.cli;

import dev.vaeforge.cli.data.DatasetResolver;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.ops.Posterior;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "traverse", mixinStandardHelpOptions = true,
        description = {"Latent traversal: start from the posterior mean of --image (or a prior draw of --seed), set"
                + " one latent dimension at a time to --steps values across --range and decode. One row per"
                + " dimension, the dimensions ordered by their mean KL (over the first --kl-images images of --data,"
                + " or of images the model itself samples), each row labelled with its KL; the KLs also go to"
                + " OUT.kl.tsv.",
                "Example: vaeforge traverse bundles/beta --data dsprites:n=1000 --dims all --range -3:3 --steps 9"
                        + " --out traversal.png"})
final class TraverseCommand extends BundleCommand {
    private static final int MARGIN = 120;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--image", paramLabel = "IMG", description = "Start from this image's posterior mean.")
    Path image;

    @Option(names = "--seed", defaultValue = "0", description = "Without --image: start from a prior draw of this"
            + " seed (also seeds the model's own images for the KL). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--data", paramLabel = "SPEC", description = "Images for each dimension's mean KL (default: images"
            + " the model samples from its prior).")
    String data;

    @Option(names = "--kl-images", defaultValue = "256", description = "Images for the mean KL. Default: ${DEFAULT-VALUE}.")
    int klImages;

    @Option(names = "--dims", defaultValue = "all", paramLabel = "all|LIST", description = "Dimensions to traverse: all,"
            + " or a list such as 0,3,5. Default: ${DEFAULT-VALUE}.")
    String dims;

    @Option(names = "--range", defaultValue = "-3:3", paramLabel = "LO:HI", description = "Values each dimension takes."
            + " Default: ${DEFAULT-VALUE}.")
    String range;

    @Option(names = "--steps", defaultValue = "9", description = "Values per row. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--level", paramLabel = "NAME", description = "A latent of several levels: the level to traverse"
            + " (its name in the manifest: inspect lists them, top first). Default: the bottom level, the decoder's.")
    String level;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The traversal image.")
    Path out;

    @Mixin
    ConditionOptions conditionOptions;

    @Mixin
    InputOptions inputOptions;

    /** One row is one PNG strip: more values than this make rows no screen shows. */
    static final int MAX_STEPS = 1000;
    static final int MAX_KL_IMAGES = 100_000;

    @Override
    public Integer call() throws IOException {
        if (steps < 2 || steps > MAX_STEPS) {
            throw ConditionOptions.bad("--steps must be in 2.." + MAX_STEPS + ", got " + steps);
        }
        if (klImages < 2 || klImages > MAX_KL_IMAGES) {
            throw ConditionOptions.bad("--kl-images must be in 2.." + MAX_KL_IMAGES + ", got " + klImages);
        }
        double[] lohi = parseRange(range);
        try (VaeRuntime rt = openRuntime(bundle)) {
            rt.selectLevel(level);
            if (!rt.hasGaussianLatent()) {
                throw ConditionOptions.bad(bundle + ": traverse needs a Gaussian latent; this bundle's latent is "
                        + rt.manifest().latent().kind());
            }
            int d = rt.latentDim();
            List<Integer> chosen = parseDims(dims, d);
            Optional<Condition> given = conditionOptions.resolve(rt);
            if (rt.condition().isPresent() && given.isEmpty()) {
                throw ConditionOptions.bad(bundle + " is conditioned on " + rt.condition().get().describe()
                        + "; pass --label or --condition");
            }
            float[] y1 = given.map(Condition::vector).orElse(null);
            ImageShape shape = rt.imageShape();
            float[] base = image != null ? rt.encode(ImageFiles.readImage(image, shape, inputOptions.resize), y1, 1).mu()
                    : rt.priorSamples(1, seed);
            double[] kl = meanKl(rt, given, d);
            chosen.sort(Comparator.comparingDouble((Integer j) -> -kl[j]).thenComparing(j -> j));
            int rows = chosen.size();
            float[] z = new float[rows * steps * d];
            for (int r = 0; r < rows; r++) {
                for (int s = 0; s < steps; s++) {
                    int at = (r * steps + s) * d;
                    System.arraycopy(base, 0, z, at, d);
                    z[at + chosen.get(r)] = (float) (lohi[0] + (lohi[1] - lohi[0]) * s / (steps - 1));
                }
            }
            int n = rows * steps;
            float[] x = rt.decode(z, given.map(c -> c.repeat(n)).orElse(null), n);
            writePng(x, shape, chosen, kl, rows);
            StringBuilder tsv = new StringBuilder("dim\tmean_kl_nats\n");
            PrintWriterHolder.print(spec.commandLine().getOut(), String.format(Locale.ROOT,
                    "traversal of %d dimensions over [%s, %s] in %d steps, rows by mean KL (%s):", rows,
                    fmt(lohi[0]), fmt(lohi[1]), steps, data != null ? klImages + " images of " + data
                            : klImages + " images the model sampled"));
            for (int j : chosen) {
                tsv.append(j).append('\t').append(String.format(Locale.ROOT, "%.6f", kl[j])).append('\n');
                PrintWriterHolder.print(spec.commandLine().getOut(), String.format(Locale.ROOT, "  z%-3d KL %.4f", j, kl[j]));
            }
            Path table = out.toAbsolutePath().resolveSibling(stem(out) + ".kl.tsv");
            AtomicFiles.writeString(table, tsv.toString());
            PrintWriterHolder.print(spec.commandLine().getOut(), "wrote " + out.toAbsolutePath() + " and " + table);
        }
        return 0;
    }

    /** Prints a line and flushes. */
    private static final class PrintWriterHolder {
        static void print(java.io.PrintWriter w, String line) {
            w.println(line);
            w.flush();
        }
    }

    private double[] meanKl(VaeRuntime rt, Optional<Condition> given, int d) throws IOException {
        float[] images;
        int n;
        if (data != null) {
            ImageDataset ds;
            try {
                ds = DatasetResolver.open(data, inputOptions.options(rt.imageShape()).withProgress(
                        DataOptions.progress(spec.commandLine().getErr())));
            } catch (IllegalArgumentException e) {
                throw ConditionOptions.bad("--data " + data + ": " + e.getMessage());
            }
            n = Math.min(klImages, ds.size());
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            images = ds.batch(idx, 0, n);
        } else {
            n = klImages;
            images = rt.sample(n, seed + 1, given.map(c -> c.repeat(klImages)).orElse(null));
        }
        int count = n;
        Posterior q = rt.encode(images, given.map(c -> c.repeat(count)).orElse(null), n);
        double[] kl = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double mu = q.mu()[i * d + j];
                double lv = q.logvar()[i * d + j];
                kl[j] += 0.5 * (mu * mu + Math.exp(lv) - lv - 1) / n;
            }
        }
        return kl;
    }

    static double[] parseRange(String s) {
        String[] p = s.split(":");
        try {
            if (p.length == 2) {
                double lo = Double.parseDouble(p[0].strip());
                double hi = Double.parseDouble(p[1].strip());
                if (Double.isFinite(lo) && Double.isFinite(hi) && lo < hi) {
                    return new double[] {lo, hi};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConditionOptions.bad("--range " + s + ": expected LO:HI with LO < HI, e.g. -3:3");
    }

    static List<Integer> parseDims(String s, int d) {
        List<Integer> out = new ArrayList<>();
        if (s.strip().equalsIgnoreCase("all")) {
            for (int j = 0; j < d; j++) {
                out.add(j);
            }
            return out;
        }
        for (String part : s.split(",")) {
            int j;
            try {
                j = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw ConditionOptions.bad("--dims " + s + ": '" + part.strip() + "' is not a dimension; expected all or a"
                        + " list of numbers in 0.." + (d - 1));
            }
            if (j < 0 || j >= d) {
                throw ConditionOptions.bad("--dims " + s + ": dimension " + j + " is out of range; the latent has " + d
                        + " dimensions (0.." + (d - 1) + ")");
            }
            if (!out.contains(j)) {
                out.add(j);
            }
        }
        return out;
    }

    private void writePng(float[] x, ImageShape shape, List<Integer> chosen, double[] kl, int rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int scale = Math.max(1, 48 / shape.width());
        int cw = shape.width() * scale;
        int ch = shape.height() * scale;
        int gap = 2;
        BufferedImage img = new BufferedImage(MARGIN + steps * (cw + gap), rows * (ch + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        int plane = shape.height() * shape.width();
        for (int r = 0; r < rows; r++) {
            int top = gap + r * (ch + gap);
            g.drawString(String.format(Locale.ROOT, "z%d  KL %.3f", chosen.get(r), kl[chosen.get(r)]), 6,
                    top + ch / 2 + 5);
            for (int s = 0; s < steps; s++) {
                int off = (r * steps + s) * shape.size();
                int left = MARGIN + s * (cw + gap);
                for (int py = 0; py < ch; py++) {
                    for (int px = 0; px < cw; px++) {
                        int p = (py / scale) * shape.width() + px / scale;
                        int rr = byteOf(x[off + p]);
                        int gg = shape.channels() == 3 ? byteOf(x[off + plane + p]) : rr;
                        int bb = shape.channels() == 3 ? byteOf(x[off + 2 * plane + p]) : rr;
                        img.setRGB(left + px, top + py, (rr << 16) | (gg << 8) | bb);
                    }
                }
            }
        }
        g.dispose();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ImageIO.write(img, "png", buf);
        AtomicFiles.write(out, buf.toByteArray());
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".png") ? n.substring(0, n.length() - 4) : n;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
