package dev.vaeforge.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The performance targets of issue 6 (docs/BENCHMARKS.md) and their verdicts: MET, MISSED, or not measured
 * (no peer figure to compare with). A target is a verdict on figures, never an assertion: the bench still
 * exits 0.
 */
public final class Targets {
    /** One target: its verdict, and the line the table prints for it. */
    record Verdict(String name, Object value, String status, String line) {
    }

    private final List<Verdict> verdicts = new ArrayList<>();

    /**
     * Issue 6's targets for one bench's figures.
     *
     * @param trainOverTorch DJL training images/s over the peer's; null without a peer
     * @param reconB64OverTorch ORT batch-64 reconstruction over the peer's; null without one
     * @param reconB64PercentOfPeak ORT batch-64 reconstruction GFLOP/s as % of the measured peak; null without batch 64
     * @param qualityImagesPerSecond SSIM+GMSD images/s; its target is for 3x64x64 images only (null otherwise)
     */
    static Targets of(Double trainOverTorch, Double reconB64OverTorch, Double reconB64PercentOfPeak,
            double latencyP50Ms, Double qualityImagesPerSecond) {
        Targets t = new Targets();
        t.atLeast("train DJL >= 1.0x torch eager", trainOverTorch, 1.0, "x");
        t.atLeast("reconstruct b64 ORT >= 1.6x torch eager", reconB64OverTorch, 1.6, "x");
        t.atLeast("reconstruct b64 >= 80% of measured peak", reconB64PercentOfPeak, 80.0, "%");
        t.atMost("latency b1 p50 <= 1.5 ms", latencyP50Ms, 1.5, "ms");
        if (qualityImagesPerSecond != null) {
            t.atLeast("SSIM+GMSD >= 7,300 images/s", qualityImagesPerSecond, 7300.0, "images/s");
        }
        return t;
    }

    void atLeast(String name, Double value, double min, String unit) {
        String status = value == null ? "not measured" : value >= min ? "MET" : "MISSED";
        String line = String.format(Locale.ROOT, "target %-42s %s%s", name + ":", status,
                value == null ? "" : String.format(Locale.ROOT, " (%.2f %s)", value, unit));
        verdicts.add(new Verdict(name, value == null ? "n/a" : value, status, line));
    }

    void atMost(String name, double value, double max, String unit) {
        String status = value <= max ? "MET" : "MISSED";
        verdicts.add(new Verdict(name, value, status, String.format(Locale.ROOT, "target %-42s %s (%.3f %s)",
                name + ":", status, value, unit)));
    }

    List<Verdict> verdicts() {
        return List.copyOf(verdicts);
    }

    void print(PrintWriter o) {
        for (Verdict v : verdicts) {
            o.println(v.line());
        }
    }

    /** bench.json's "targets": name -> {value, status}. */
    Map<String, Object> json() {
        Map<String, Object> t = new LinkedHashMap<>();
        for (Verdict v : verdicts) {
            t.put(v.name(), Map.of("value", v.value(), "status", v.status()));
        }
        return t;
    }
}
