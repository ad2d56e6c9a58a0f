package dev.vaeforge.cli;

import dev.vaeforge.runtime.eval.EvalListener;
import java.io.PrintWriter;
import java.util.Locale;

/** Evaluation progress on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
final class EvalProgressBar implements EvalListener {
    private final PrintWriter err;
    private final boolean terminal;
    private final String label;
    private long lastPrint;

    EvalProgressBar(PrintWriter err, boolean terminal, String label) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
    }

    @Override
    public void onProgress(String phase, int done, int total, double seconds) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastPrint < (terminal ? 100_000_000L : 5_000_000_000L)) {
            return;
        }
        lastPrint = now;
        double rate = seconds > 0 ? done / seconds : 0;
        double eta = rate > 0 ? (total - done) / rate : 0;
        int width = 24;
        int filled = (int) Math.round(width * (double) done / total);
        String line = String.format(Locale.ROOT, "%s %-14s [%s%s] %d/%d %.0f img/s ETA %d:%02d", label, phase,
                "#".repeat(filled), "-".repeat(width - filled), done, total, rate, (long) eta / 60, (long) eta % 60);
        if (terminal) {
            err.print("\r" + line + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
