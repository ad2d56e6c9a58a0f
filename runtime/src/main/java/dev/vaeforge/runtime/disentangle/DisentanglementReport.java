package dev.vaeforge.runtime.disentangle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link DisentanglementResult} as {@code metrics.json} (every score, the settings, the MI and
 * importance matrices), {@code metrics.md} (the scores and the MI matrix as tables) and
 * {@code metrics.html} (the same page with an optional traversal image), each atomically.
 */
public final class DisentanglementReport {
    public static final String FORMAT = "vaeforge-disentanglement";
    public static final int FORMAT_VERSION = 1;

    private DisentanglementReport() {
    }

    public static void write(DisentanglementResult r, Path dir, String traversalPng) throws IOException {
        AtomicFiles.writeString(dir.resolve("metrics.json"), json(r));
        AtomicFiles.writeString(dir.resolve("metrics.md"), markdown(r));
        AtomicFiles.writeString(dir.resolve("metrics.html"), html(r, traversalPng));
    }

    static String json(DisentanglementResult r) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("source", r.source());
        root.put("code_size", r.codeSize());
        ArrayNode f = root.putArray("factors");
        for (int k = 0; k < r.factors().count(); k++) {
            f.addObject().put("name", r.factors().names().get(k)).put("classes", r.factors().size(k));
        }
        DisentanglementSettings s = r.settings();
        root.putObject("settings").put("seed", s.seed()).put("batch_size", s.batch()).put("num_train", s.numTrain())
                .put("num_eval", s.numEval()).put("num_variance_estimate", s.numVariance())
                .put("mig_num_train", s.migPoints()).put("num_bins", s.bins()).put("sap_continuous", s.sapContinuous());
        ObjectNode scores = root.putObject("scores");
        for (Map.Entry<String, Double> e : r.scores().entrySet()) {
            scores.put(e.getKey(), e.getValue());
        }
        matrix(root.putArray("mutual_information_nats"), r.mi());
        if (r.importance() != null) {
            matrix(root.putArray("dci_importance"), r.importance());
        }
        root.putObject("cost").put("points_encoded", r.pointsEncoded()).put("seconds", r.seconds())
                .put("points_per_second", r.pointsPerSecond());
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void matrix(ArrayNode a, double[][] m) {
        for (double[] row : m) {
            ArrayNode r = a.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
    }

    static String markdown(DisentanglementResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Disentanglement: ").append(r.source()).append("\n\n");
        sb.append("Factors: ").append(r.factors()).append("; code size ").append(r.codeSize()).append("; seed ")
                .append(r.settings().seed()).append(".\n");
        sb.append(String.format(Locale.ROOT, "Definitions and sample sizes of disentanglement_lib (Locatello et al."
                + " 2019); %d points encoded in %.1f s (%.0f points/s). See docs/DISENTANGLEMENT.md.%n%n",
                r.pointsEncoded(), r.seconds(), r.pointsPerSecond()));
        sb.append("| score | value |\n|---|---:|\n");
        for (Map.Entry<String, Double> e : r.scores().entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4f |%n", e.getKey(), e.getValue()));
        }
        sb.append("\nMutual information I(z_j; factor) in nats (MIG's points, ").append(r.settings().bins())
                .append(" bins):\n\n| code |");
        for (String n : r.factors().names()) {
            sb.append(' ').append(n).append(" |");
        }
        sb.append("\n|---|").append("---:|".repeat(r.factors().count())).append('\n');
        for (int j = 0; j < r.mi().length; j++) {
            sb.append("| z").append(j).append(" |");
            for (double v : r.mi()[j]) {
                sb.append(String.format(Locale.ROOT, " %.3f |", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String html(DisentanglementResult r, String traversalPng) {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Disentanglement"
                + "</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}"
                + "td:first-child,th:first-child{text-align:left}</style></head><body>");
        sb.append("<h1>Disentanglement: ").append(escape(r.source())).append("</h1><p>Factors: ")
                .append(escape(r.factors().toString())).append("; code size ").append(r.codeSize()).append("; seed ")
                .append(r.settings().seed()).append(". disentanglement_lib definitions (Locatello et al. 2019).</p>");
        sb.append("<table><tr><th>score</th><th>value</th></tr>");
        for (Map.Entry<String, Double> e : r.scores().entrySet()) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4f</td></tr>", escape(e.getKey()), e.getValue()));
        }
        sb.append("</table><h2>I(z<sub>j</sub>; factor), nats</h2><table><tr><th>code</th>");
        for (String n : r.factors().names()) {
            sb.append("<th>").append(escape(n)).append("</th>");
        }
        sb.append("</tr>");
        for (int j = 0; j < r.mi().length; j++) {
            sb.append("<tr><td>z").append(j).append("</td>");
            double max = 0;
            for (double v : r.mi()[j]) {
                max = Math.max(max, v);
            }
            for (double v : r.mi()[j]) {
                sb.append(String.format(Locale.ROOT, "<td%s>%.3f</td>", v == max && v > 0 ? " style=\"font-weight:bold\"" : "", v));
            }
            sb.append("</tr>");
        }
        sb.append("</table>");
        if (traversalPng != null) {
            sb.append("<h2>Latent traversal</h2><p>One row per dimension, highest mean KL first.</p><img src=\"")
                    .append(escape(traversalPng)).append("\" alt=\"latent traversal\">");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
