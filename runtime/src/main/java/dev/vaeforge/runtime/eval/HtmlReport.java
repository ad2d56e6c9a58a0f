package dev.vaeforge.runtime.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS, images as data URIs, training curves as inline
 * SVG) that renders the same offline as online.
 */
public final class HtmlReport {
    private static final String[] COLOURS = {"#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed"};

    private HtmlReport() {
    }

    /** @param dir where the grids of this evaluation already are */
    static String render(EvaluationResult r, Path dir) throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width, initial-scale=1\"><title>vaeforge evaluation — ")
                .append(esc(MarkdownTable.name(r))).append("</title><style>").append(CSS).append("</style></head><body><main>");
        h.append("<header><div class=\"kicker\">vaeforge evaluation</div><h1>").append(esc(MarkdownTable.label(r).toUpperCase()))
                .append(" · ").append(esc(MarkdownTable.name(r))).append("</h1><p class=\"sub\">")
                .append(esc(r.dataset().description())).append(" · ").append(r.dataset().images()).append(" images")
                .append(r.dataset().split() == null ? "" : " · split " + esc(r.dataset().split()))
                .append(" · ").append(esc(r.createdAt())).append("</p></header>");
        h.append(cards(r));
        h.append("<section><h2>Reconstruction</h2><p class=\"note\">Each image against decoder(μ(x)), the posterior-mean "
                + "reconstruction. Values are averaged over images.</p>").append(table(r.reconstruction())).append("</section>");
        if (r.generation() != null) {
            h.append("<section><h2>Generation</h2><p class=\"note\">").append(r.settings().samples())
                    .append(" samples ").append(esc(r.settings().prior() == null ? "from the prior" : r.settings().prior()))
                    .append(" (seed ").append(r.settings().seed())
                    .append("); each decoded sample against its own reconstruction.</p>").append(table(r.generation()))
                    .append("</section>");
        }
        if (!r.notComputed().isEmpty()) {
            h.append("<section><h2>Not computed</h2><ul>");
            r.notComputed().forEach((k, v) -> h.append("<li><b>").append(esc(k.toUpperCase())).append("</b>: ")
                    .append(esc(v)).append("</li>"));
            h.append("</ul></section>");
        }
        if (r.surgery() != null) {
            h.append(surgery(r.surgery()));
        }
        h.append("<section><h2>Images</h2><div class=\"grids\">");
        figure(h, dir.resolve(EvalOutputs.BEST), "Best reconstructions by " + (r.reconstruction().containsKey("ssim") ? "SSIM" : "MSE")
                + " (originals above, reconstructions below)");
        figure(h, dir.resolve(EvalOutputs.WORST), "Worst reconstructions");
        figure(h, dir.resolve(EvalOutputs.SAMPLES), "Random prior samples");
        h.append("</div></section>");
        curves(h, r);
        h.append("<section><h2>How these numbers were computed</h2><dl>");
        r.estimation().forEach((k, v) -> h.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>"));
        if (r.latent() != null) {
            h.append("<dt>active units</dt><dd>").append(r.latent().activeUnits()).append(" of ").append(r.latent().dims())
                    .append(" latent dimensions: the variance of the posterior mean over the images exceeds ")
                    .append(r.latent().threshold()).append(" (Burda et al. 2016)</dd>");
        }
        h.append("</dl></section><section><h2>Provenance</h2><dl>");
        h.append("<dt>bundle</dt><dd><code>").append(esc(r.bundle().path())).append("</code> (id ").append(esc(r.bundle().id()))
                .append(", manifest sha256 <code>").append(esc(r.bundle().manifestSha256().substring(0, 16))).append("…</code>)</dd>");
        if (r.bundle().quantization() != null) {
            h.append("<dt>precision</dt><dd>").append(esc(r.bundle().precisionSummary())).append("</dd>");
        }
        h.append("<dt>dataset</dt><dd><code>").append(esc(r.dataset().spec())).append("</code>, fingerprint <code>")
                .append(esc(r.dataset().fingerprint())).append("</code></dd>");
        h.append("<dt>settings</dt><dd>batch ").append(r.settings().batchSize()).append(", device ")
                .append(esc(r.settings().device())).append(", metrics ").append(esc(String.join(", ", r.settings().metrics())))
                .append(r.settings().lpipsModel() == null ? "" : ", LPIPS graph " + esc(r.settings().lpipsModel())).append("</dd>");
        EvaluationResult.LpipsRef lp = r.settings().lpips();
        if (lp != null) {
            h.append("<dt>LPIPS graph</dt><dd>LPIPS-").append(esc(lp.backbone())).append(", sha256 <code>")
                    .append(esc(lp.sha256())).append("</code>, <code>").append(esc(lp.file())).append("</code> (")
                    .append(esc(lp.source())).append(")</dd>");
        }
        h.append("<dt>throughput</dt><dd>").append(String.format(Locale.ROOT, "%.1f images/s (%d images in %.1f s)",
                r.throughput().imagesPerSecond(), r.throughput().images(), r.throughput().seconds())).append("</dd>");
        h.append("<dt>versions</dt><dd>");
        r.versions().forEach((k, v) -> h.append(esc(k)).append(' ').append(esc(v)).append("; "));
        h.append("</dd></dl></section><footer>Generated by vaeforge. All values also in metrics.json and metrics.csv.</footer>");
        return h.append("</main></body></html>\n").toString();
    }

    /**
     * The page of several bundles evaluated together (OUT/comparison.html): the comparison table, the ELBO
     * surgery as one stacked bar per model on a common scale, and every model's prior samples side by
     * side, each captioned with the prior that drew them.
     *
     * @param results the evaluations, in the order given
     * @param dirs    where each evaluation's grids are (same order)
     */
    public static String comparison(List<EvaluationResult> results, List<Path> dirs, String data) throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width, initial-scale=1\"><title>vaeforge comparison</title><style>").append(CSS)
                .append("</style></head><body><main><header><div class=\"kicker\">vaeforge comparison</div><h1>")
                .append(results.size()).append(" models on ").append(esc(data)).append("</h1></header>");
        h.append("<section><h2>Metrics</h2><table><thead><tr><th>model</th><th>family</th><th>prior</th>");
        List<String> keys = new ArrayList<>();
        for (EvaluationResult r : results) {
            r.reconstruction().keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        }
        keys.forEach(k -> h.append("<th>").append(esc(k.toUpperCase())).append(MarkdownTable.arrow(k)).append("</th>"));
        h.append("</tr></thead><tbody>");
        for (EvaluationResult r : results) {
            h.append("<tr><td>").append(esc(MarkdownTable.name(r))).append("</td><td>").append(esc(MarkdownTable.label(r)))
                    .append("</td><td>").append(esc(r.settings().prior())).append("</td>");
            keys.forEach(k -> {
                RunningStats.Summary st = r.reconstruction().get(k);
                h.append("<td>").append(st == null ? "" : EvalOutputs.fmt(st.mean())).append("</td>");
            });
            h.append("</tr>");
        }
        h.append("</tbody></table></section>");
        double scale = 0;
        for (EvaluationResult r : results) {
            if (r.surgery() != null) {
                scale = Math.max(scale, Math.max(0, r.surgery().mutualInformation().value())
                        + Math.max(0, r.surgery().marginalKl().value()));
            }
        }
        if (scale > 0) {
            h.append("<section><h2>ELBO surgery</h2><p class=\"note\">Mean KL = mutual information (blue) + marginal "
                    + "KL(q(z) ‖ p(z)) (orange), nats per image, one bar per model on a common scale; each model's "
                    + "report has the estimator and the standard errors.</p>");
            for (EvaluationResult r : results) {
                if (r.surgery() == null) {
                    continue;
                }
                double mi = Math.max(0, r.surgery().mutualInformation().value());
                double mk = Math.max(0, r.surgery().marginalKl().value());
                double w = 520;
                h.append(String.format(Locale.ROOT, "<div><b>%s</b> <span class=\"note\">MI %s + marginal KL %s</span><br>"
                        + "<svg width=\"%.0f\" height=\"26\" role=\"img\" aria-label=\"%s: MI and marginal KL\"><rect "
                        + "x=\"0\" y=\"2\" width=\"%.1f\" height=\"22\" fill=\"#4c78a8\"/><rect x=\"%.1f\" y=\"2\" "
                        + "width=\"%.1f\" height=\"22\" fill=\"#f58518\"/></svg></div>", esc(MarkdownTable.name(r)),
                        EvalOutputs.fmt(r.surgery().mutualInformation().value()),
                        EvalOutputs.fmt(r.surgery().marginalKl().value()), w, esc(MarkdownTable.name(r)),
                        w * mi / scale, w * mi / scale, w * mk / scale));
            }
            h.append("</section>");
        }
        h.append("<section><h2>Prior samples</h2><p class=\"note\">Each model's random prior samples (the same seed), "
                + "captioned with the prior that drew them.</p><div class=\"grids\">");
        for (int i = 0; i < results.size(); i++) {
            EvaluationResult r = results.get(i);
            figure(h, dirs.get(i).resolve(EvalOutputs.SAMPLES), MarkdownTable.name(r) + ": "
                    + (r.settings().prior() == null ? "prior samples" : r.settings().prior()));
        }
        h.append("</div></section><footer>Generated by vaeforge. Each model's own report.html and metrics.json are in "
                + "its folder.</footer>");
        return h.append("</main></body></html>\n").toString();
    }

    /** The ELBO surgery panel: the mean KL as a bar stacked from MI and marginal KL, with the numbers. */
    static String surgery(EvaluationResult.Surgery s) {
        double mi = Math.max(0, s.mutualInformation().value());
        double marginal = Math.max(0, s.marginalKl().value());
        double total = mi + marginal;
        double width = 520;
        double wMi = total > 0 ? width * mi / total : 0;
        StringBuilder h = new StringBuilder("<section><h2>ELBO surgery</h2><p class=\"note\">The mean KL term splits into "
                + "the mutual information between x and z and the KL from the aggregate posterior q(z) to the prior "
                + esc(s.prior()) + " (Hoffman &amp; Johnson 2016), over " + s.images() + " of " + s.ofImages()
                + " posteriors; nats per image.</p>");
        h.append(String.format(Locale.ROOT, "<svg width=\"%.0f\" height=\"46\" role=\"img\" aria-label=\"mean KL = MI + "
                + "marginal KL\"><rect x=\"0\" y=\"4\" width=\"%.1f\" height=\"22\" fill=\"#4c78a8\"/><rect x=\"%.1f\" "
                + "y=\"4\" width=\"%.1f\" height=\"22\" fill=\"#f58518\"/><text x=\"0\" y=\"42\" font-size=\"12\">MI %s"
                + "</text><text x=\"%.0f\" y=\"42\" font-size=\"12\" text-anchor=\"end\">marginal KL %s</text></svg>",
                width, wMi, wMi, width - wMi, EvalOutputs.fmt(s.mutualInformation().value()), width,
                EvalOutputs.fmt(s.marginalKl().value())));
        h.append("<table><thead><tr><th>term</th><th>value</th><th>std. error</th></tr></thead><tbody>");
        if (s.klClosedForm() != null) {
            h.append("<tr><td>mean KL (closed form)</td><td>").append(EvalOutputs.fmt(s.klClosedForm()))
                    .append("</td><td></td></tr>");
        }
        row(h, "mean KL (Monte Carlo) = MI + marginal KL", s.klMonteCarlo());
        row(h, "mutual information I<sub>q</sub>[x; z] (at most log K = " + EvalOutputs.fmt(s.miUpperBound()) + ")",
                s.mutualInformation());
        row(h, "marginal KL(q(z) ‖ p(z))", s.marginalKl());
        return h.append("</tbody></table><p class=\"note\">").append(esc(s.estimator())).append("</p></section>").toString();
    }

    private static void row(StringBuilder h, String label, EvaluationResult.Surgery.Estimate e) {
        h.append("<tr><td>").append(label).append("</td><td>").append(EvalOutputs.fmt(e.value())).append("</td><td>")
                .append(EvalOutputs.fmt(e.standardError())).append("</td></tr>");
    }

    private static String cards(EvaluationResult r) {
        StringBuilder h = new StringBuilder("<div class=\"cards\">");
        for (String k : List.of("ssim", "psnr", "gmsd", "elbo", "kl", "lpips")) {
            RunningStats.Summary s = r.reconstruction().get(k);
            if (s != null) {
                h.append("<div class=\"card\"><div class=\"label\">").append(k.toUpperCase()).append(MarkdownTable.arrow(k))
                        .append("</div><div class=\"value\">").append(EvalOutputs.fmt(s.mean())).append("</div><div class=\"std\">± ")
                        .append(EvalOutputs.fmt(s.std())).append("</div></div>");
            }
        }
        return h.append("</div>").toString();
    }

    private static String table(Map<String, RunningStats.Summary> stats) {
        StringBuilder h = new StringBuilder("<table><thead><tr><th>metric</th><th>mean</th><th>std</th><th>min</th><th>max</th>"
                + "<th>images</th></tr></thead><tbody>");
        stats.forEach((k, s) -> h.append("<tr><td>").append(k.toUpperCase()).append(MarkdownTable.arrow(k)).append("</td><td>")
                .append(EvalOutputs.fmt(s.mean())).append("</td><td>").append(EvalOutputs.fmt(s.std())).append("</td><td>")
                .append(EvalOutputs.fmt(s.min())).append("</td><td>").append(EvalOutputs.fmt(s.max())).append("</td><td>")
                .append(s.count()).append(s.infinite() > 0 ? " (" + s.infinite() + " infinite)" : "").append("</td></tr>"));
        return h.append("</tbody></table>").toString();
    }

    private static void figure(StringBuilder h, Path png, String caption) throws IOException {
        if (!Files.isRegularFile(png)) {
            return;
        }
        h.append("<figure><img alt=\"").append(esc(caption)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(Files.readAllBytes(png))).append("\"><figcaption>")
                .append(esc(caption)).append("</figcaption></figure>");
    }

    /** Training curves from the bundle's run directory, where it is readable from here. */
    private static void curves(StringBuilder h, EvaluationResult r) {
        h.append("<section><h2>Training curves</h2>");
        List<JsonNode> rows = new ArrayList<>();
        Path metrics = r.bundle().runDirectory() == null ? null : Path.of(r.bundle().runDirectory()).resolve("metrics.jsonl");
        try {
            if (metrics != null && Files.isRegularFile(metrics)) {
                for (String line : Files.readAllLines(metrics)) {
                    if (!line.isBlank()) {
                        rows.add(Json.mapper().readTree(line));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            rows.clear();
        }
        if (rows.isEmpty()) {
            h.append("<p class=\"note\">The run directory recorded in the bundle (")
                    .append(esc(String.valueOf(r.bundle().runDirectory())))
                    .append(") is not readable from this machine, so there are no training curves.</p></section>");
            return;
        }
        h.append("<div class=\"plots\">");
        h.append(plot("Loss (nats/image)", rows, List.of("trainLoss", "testLoss")));
        h.append(plot("Reconstruction term", rows, List.of("trainRecon", "testRecon")));
        h.append(plot("KL term", rows, List.of("trainKl", "testKl")));
        h.append("</div></section>");
    }

    static String plot(String title, List<JsonNode> rows, List<String> fields) {
        int w = 360;
        int ht = 220;
        int l = 56;
        int b = 34;
        int t = 40;
        int rr = 12;
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (JsonNode n : rows) {
            double x = n.path("epoch").asDouble();
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            for (String f : fields) {
                double y = n.path(f).asDouble(Double.NaN);
                if (Double.isFinite(y)) {
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        // one epoch is one point per curve: drawn as a dot in the middle, the axis saying "1 epoch"
        boolean single = maxX == minX;
        if (single) {
            maxX = minX + 1;
        }
        if (!(maxY > minY)) {
            maxY = minY + 1;
        }
        double pad = (maxY - minY) * 0.05;
        minY -= pad;
        maxY += pad;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg class=\"plot\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", w, ht, esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"pt\">%s</text>", l, esc(title)));
        for (int i = 0; i <= 4; i++) {
            double y = minY + (maxY - minY) * i / 4;
            double py = ht - b - (ht - b - t) * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", l, w - rr, py, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>", l - 6, py + 4,
                    tick(y)));
        }
        if (single) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">1 epoch</text>",
                    l + (w - l - rr) / 2, ht - 8));
        } else {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">epoch %.0f</text>", l, ht - 8, minX));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%.0f</text>", w - rr, ht - 8,
                    maxX));
        }
        for (int k = 0; k < fields.size(); k++) {
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            String c = COLOURS[k % COLOURS.length];
            for (JsonNode n : rows) {
                double y = n.path(fields.get(k)).asDouble(Double.NaN);
                if (!Double.isFinite(y)) {
                    continue;
                }
                double px = single ? l + (w - l - rr) / 2.0 : l + (w - l - rr) * (n.path("epoch").asDouble() - minX) / (maxX - minX);
                double py = ht - b - (ht - b - t) * (y - minY) / (maxY - minY);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px, py, c));
            }
            s.append("<polyline fill=\"none\" stroke=\"").append(c).append("\" stroke-width=\"2\" points=\"").append(pts).append("\"/>");
            s.append(dots);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"lg\" fill=\"%s\">&#9632; %s</text>",
                    l + 90 * k, 32, c, esc(fields.get(k))));
        }
        return s.append("</svg>").toString();
    }

    /** Axis labels short enough for the margin: 3 significant digits without exponent clutter. */
    static String tick(double y) {
        double a = Math.abs(y);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", y);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", y);
        }
        return a >= 0.01 || a == 0 ? String.format(Locale.ROOT, "%.3f", y) : String.format(Locale.ROOT, "%.1e", y);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String CSS = """
            :root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#2563eb}
            *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);
            font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
            main{max-width:1100px;margin:0 auto;padding:32px 24px 48px}
            header{border-bottom:1px solid var(--line);padding-bottom:16px;margin-bottom:24px}
            .kicker{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--accent);font-weight:600}
            h1{margin:4px 0 4px;font-size:28px}h2{font-size:19px;margin:0 0 8px}.sub,.note{color:var(--muted);margin:0 0 12px}
            section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 22px;margin:0 0 20px}
            .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:0 0 20px}
            .card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 16px}
            .card .label{font-size:12px;color:var(--muted);font-weight:600;letter-spacing:.04em}
            .card .value{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}.card .std{color:var(--muted);font-size:13px}
            table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
            th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:right}th:first-child,td:first-child{text-align:left}
            th{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
            .grids{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:18px}
            figure{margin:0}figure img{width:100%;image-rendering:pixelated;border-radius:8px;border:1px solid var(--line);background:#000}
            figcaption{color:var(--muted);font-size:13px;margin-top:6px}
            .plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:12px}
            svg.plot{width:100%;height:auto}.grid{stroke:var(--line)}.tick{font-size:10px;fill:var(--muted)}
            .pt{font-size:12px;font-weight:600;fill:var(--fg)}.lg{font-size:10px;font-weight:600}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0}dt{color:var(--muted);font-weight:600}dd{margin:0}
            code{font-size:13px;background:#f1f5f9;padding:1px 5px;border-radius:4px}footer{color:var(--muted);font-size:12px;text-align:center}
            """;
}
