package dev.vaeforge.runtime.eval;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Markdown tables of evaluation results: one evaluation, or one row per bundle as in VAE papers. */
public final class MarkdownTable {
    private MarkdownTable() {
    }

    public static String single(EvaluationResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Evaluation of ").append(label(r)).append(" bundle `").append(r.bundle().path()).append("`\n\n");
        if (r.bundle().quantization() != null) {
            sb.append("Precision: ").append(r.bundle().precisionSummary()).append(".\n\n");
        }
        sb.append("Dataset: ").append(r.dataset().description()).append(" — ").append(r.dataset().images())
                .append(" images evaluated.\n\n");
        sb.append(section("Reconstruction (each image against decoder(mu(x)))", r.reconstruction()));
        if (r.generation() != null) {
            sb.append(section("Generation (" + r.settings().samples() + " prior samples, seed " + r.settings().seed()
                    + ", each against its reconstruction)", r.generation()));
        }
        if (!r.notComputed().isEmpty()) {
            sb.append("Not computed:\n\n");
            r.notComputed().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
            sb.append('\n');
        }
        sb.append("ELBO: ").append(r.estimation().get("elbo")).append(".\n");
        if (r.estimation().containsKey("nll")) {
            sb.append("NLL: ").append(r.estimation().get("nll")).append(".\n");
        }
        if (r.latent() != null) {
            sb.append("Active units: ").append(r.latent().activeUnits()).append(" of ").append(r.latent().dims())
                    .append(" latent dimensions (variance of the posterior mean over the images > ")
                    .append(r.latent().threshold()).append(").\n");
        }
        if (r.surgery() != null) {
            sb.append('\n').append(surgery(r.surgery()));
        }
        return sb.toString();
    }

    /** The ELBO surgery as a small table: mean KL = MI + marginal KL, in nats per image. */
    static String surgery(EvaluationResult.Surgery s) {
        StringBuilder sb = new StringBuilder("ELBO surgery over " + s.images() + " of " + s.ofImages()
                + " posteriors (nats per image; prior " + s.prior() + "):\n\n| term | value | std. error |\n|---|---:|---:|\n");
        if (s.klClosedForm() != null) {
            sb.append("| mean KL (closed form) | ").append(EvalOutputs.fmt(s.klClosedForm())).append(" | |\n");
        }
        sb.append("| mean KL (Monte Carlo) = MI + marginal KL | ").append(EvalOutputs.fmt(s.klMonteCarlo().value()))
                .append(" | ").append(EvalOutputs.fmt(s.klMonteCarlo().standardError())).append(" |\n");
        sb.append("| mutual information I_q[x; z] (at most log K = ").append(EvalOutputs.fmt(s.miUpperBound())).append(") | ")
                .append(EvalOutputs.fmt(s.mutualInformation().value())).append(" | ")
                .append(EvalOutputs.fmt(s.mutualInformation().standardError())).append(" |\n");
        sb.append("| marginal KL(q(z) ‖ p(z)) | ").append(EvalOutputs.fmt(s.marginalKl().value())).append(" | ")
                .append(EvalOutputs.fmt(s.marginalKl().standardError())).append(" |\n\n");
        return sb.toString();
    }

    /** One row per bundle, one column per metric mean (reconstruction, then generation with a "gen." prefix). */
    public static String comparison(List<EvaluationResult> results) {
        Set<String> rec = new LinkedHashSet<>();
        Set<String> gen = new LinkedHashSet<>();
        for (EvaluationResult r : results) {
            rec.addAll(r.reconstruction().keySet());
            if (r.generation() != null) {
                gen.addAll(r.generation().keySet());
            }
        }
        StringBuilder sb = new StringBuilder("| model | family | images |");
        StringBuilder line = new StringBuilder("|---|---|---:|");
        rec.forEach(k -> {
            sb.append(' ').append(k.toUpperCase()).append(arrow(k)).append(" |");
            line.append("---:|");
        });
        gen.forEach(k -> {
            sb.append(" gen. ").append(k.toUpperCase()).append(arrow(k)).append(" |");
            line.append("---:|");
        });
        sb.append('\n').append(line).append('\n');
        for (EvaluationResult r : results) {
            sb.append("| ").append(name(r)).append(" | ").append(label(r)).append(" | ").append(r.dataset().images()).append(" |");
            rec.forEach(k -> sb.append(' ').append(cell(r.reconstruction(), k)).append(" |"));
            gen.forEach(k -> sb.append(' ').append(cell(r.generation(), k)).append(" |"));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String section(String title, Map<String, RunningStats.Summary> stats) {
        StringBuilder sb = new StringBuilder("## ").append(title).append("\n\n| metric | mean | std | min | max |\n|---|---:|---:|---:|---:|\n");
        stats.forEach((k, s) -> sb.append("| ").append(k.toUpperCase()).append(arrow(k)).append(" | ")
                .append(EvalOutputs.fmt(s.mean())).append(" | ").append(EvalOutputs.fmt(s.std())).append(" | ")
                .append(EvalOutputs.fmt(s.min())).append(" | ").append(EvalOutputs.fmt(s.max())).append(" |\n"));
        return sb.append('\n').toString();
    }

    static String arrow(String metric) {
        return switch (metric) {
            case "ssim", "psnr", "elbo" -> " ↑";
            default -> " ↓";
        };
    }

    static String name(EvaluationResult r) {
        String p = r.bundle().path().replace('\\', '/');
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static String cell(Map<String, RunningStats.Summary> m, String k) {
        return m == null || !m.containsKey(k) ? "—" : EvalOutputs.fmt(m.get(k).mean());
    }

    /** The bundle's family label, or "unlabelled" for a bundle without one (imported graphs). */
    static String label(EvaluationResult r) {
        return r.bundle().family() == null ? "unlabelled" : r.bundle().family();
    }
}
