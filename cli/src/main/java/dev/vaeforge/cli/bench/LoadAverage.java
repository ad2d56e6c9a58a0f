package dev.vaeforge.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load average, printed with the figures because timings on a shared machine depend on it. */
public final class LoadAverage {
    private LoadAverage() {
    }

    /** "1-min 5-min 15-min" from /proc/loadavg, or "n/a" where there is none. */
    public static String read() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
