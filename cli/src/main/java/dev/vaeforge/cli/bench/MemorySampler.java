package dev.vaeforge.cli.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Samples the used heap and the resident set every 20 ms (allocating almost nothing) on a daemon thread,
 * and records their peaks per phase. VmHWM (the process's peak RSS) is read at the end of each phase: it
 * cannot be reset, so per phase we report the sampled RSS growth.
 */
public final class MemorySampler {
    /** Diagnosis only: collect garbage every sample (-Dvaeforge.bench.gcstress=true). */
    static final boolean GC_STRESS = Boolean.getBoolean("vaeforge.bench.gcstress");

    /** One phase's figures in MB; bench.json's "memory" entries. */
    public record Phase(double heapPeakMb, double rssStartMb, double rssPeakMb, double rssGrowthMb, double vmHwmAfterMb) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("heap_peak_mb", heapPeakMb);
            m.put("rss_start_mb", rssStartMb);
            m.put("rss_peak_mb", rssPeakMb);
            m.put("rss_growth_mb", rssGrowthMb);
            m.put("vmhwm_after_mb", vmHwmAfterMb);
            return m;
        }
    }

    private volatile long heapPeak;
    private volatile long rssStart;
    private volatile long rssPeak;
    private volatile boolean running;
    private Thread thread;
    private final byte[] statm = new byte[128];
    private final Map<String, Phase> phases = new LinkedHashMap<>();

    /** Starts sampling (unless -Dvaeforge.bench.nosampler=true); the first phase begins now. */
    public void start() {
        running = !Boolean.getBoolean("vaeforge.bench.nosampler");
        reset();
        thread = new Thread(() -> {
            while (running) {
                sample();
                if (GC_STRESS) {
                    System.gc();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vaeforge-bench-memory");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Starts a phase: the peaks start again from the current use. */
    public void beginPhase() {
        reset();
    }

    /** Ends a phase and records its figures under {@code name}. */
    public void endPhase(String name) {
        phases.put(name, new Phase(heapPeak / 1e6, mb(rssStart), mb(rssPeak), mb(rssPeak) - mb(rssStart), vmHwmMb()));
    }

    /** The recorded phases in the order they ended. */
    public Map<String, Phase> phases() {
        return Collections.unmodifiableMap(phases);
    }

    /** The process's peak RSS so far (VmHWM) in MB; NaN where /proc has none. */
    public static double vmHwmMb() {
        return mb(status("VmHWM:"));
    }

    private synchronized void reset() {
        Runtime r = Runtime.getRuntime();
        heapPeak = r.totalMemory() - r.freeMemory();
        rssStart = status("VmRSS:");
        rssPeak = rssStart;
    }

    private synchronized void sample() {
        Runtime r = Runtime.getRuntime();
        heapPeak = Math.max(heapPeak, r.totalMemory() - r.freeMemory());
        rssPeak = Math.max(rssPeak, rssFromStatm());
    }

    private static double mb(long kb) {
        return kb < 0 ? Double.NaN : kb * 1024 / 1e6;
    }

    /** VmRSS in kB from /proc/self/statm (resident pages x 4 kB), read into a reused buffer. */
    private long rssFromStatm() {
        try (RandomAccessFile f = new RandomAccessFile("/proc/self/statm", "r")) {
            int len = f.read(statm);
            int i = 0;
            while (i < len && statm[i] != ' ') {
                i++;
            }
            long pages = 0;
            for (i++; i < len && statm[i] >= '0' && statm[i] <= '9'; i++) {
                pages = pages * 10 + (statm[i] - '0');
            }
            return pages * 4;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A /proc/self/status field in kB, or -1 where there is none. */
    static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
