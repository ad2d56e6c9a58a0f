package dev.vaeforge.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The bench's text table: one row per figure with GFLOP/s, % of the measured peak and the peer's figure. */
final class BenchTable {
    private final PrintWriter o;
    private final double peak;

    BenchTable(PrintWriter o, double peakGflops) {
        this.o = o;
        this.peak = peakGflops;
    }

    void header() {
        o.printf("%-26s %6s %11s %9s %8s %6s %12s %7s%n", "what", "batch", "images/s", "ms/call", "GFLOP/s", "%peak",
                "torch eager", "ratio");
    }

    /** @param flopsPerImage 0 for a figure without a FLOP count; @param torch the peer's images/s, null for none */
    void row(String what, int batch, double rate, long flopsPerImage, Double torch) {
        String gf = flopsPerImage > 0 ? String.format(Locale.ROOT, "%8.1f", rate * flopsPerImage / 1e9) : String.format("%8s", "-");
        String pc = flopsPerImage > 0 && peak > 0 ? String.format(Locale.ROOT, "%5.0f%%", rate * flopsPerImage / 1e9 / peak * 100)
                : String.format("%6s", "-");
        String t = torch == null ? String.format("%12s %7s", "-", "-")
                : String.format(Locale.ROOT, "%12.1f %6.2fx", torch, rate / torch);
        o.printf(Locale.ROOT, "%-26s %6d %11.1f %9.3f %s %s %s%n", what, batch, rate, batch / rate * 1e3, gf, pc, t);
    }

    /** @param torch the peer's p50 and p99, null for none */
    void latency(double p50, double p99, double[] torch) {
        o.printf(Locale.ROOT, "%-26s %6d  p50 %.3f ms, p99 %.3f ms%s%n", "latency reconstruct (ORT)", 1, p50, p99,
                torch == null ? "" : String.format(Locale.ROOT, "; torch eager p50 %.3f ms, p99 %.3f ms", torch[0], torch[1]));
    }

    /** The memory per phase, then the whole run's peak RSS and the JVM's heap limit. */
    void memory(Map<String, MemorySampler.Phase> phases, double vmHwmMb) {
        o.printf("%-10s %13s %13s %12s %13s%n", "phase", "heap peak MB", "RSS start MB", "RSS peak MB", "RSS growth MB");
        phases.forEach((name, m) -> o.printf(Locale.ROOT, "%-10s %13.0f %13.0f %12.0f %13.0f%n", name, m.heapPeakMb(),
                m.rssStartMb(), m.rssPeakMb(), m.rssGrowthMb()));
        o.printf(Locale.ROOT, "process peak RSS (VmHWM, whole run, cannot be reset per phase): %.0f MB; JVM max heap %.0f MB%n%n",
                vmHwmMb, Runtime.getRuntime().maxMemory() / 1e6);
    }
}
