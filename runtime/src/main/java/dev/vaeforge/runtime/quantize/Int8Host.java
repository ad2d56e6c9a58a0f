package dev.vaeforge.runtime.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether this host's CPU has the int8 dot-product instructions that ONNX Runtime's int8 kernels are
 * fast with: AVX-512 VNNI, AVX-VNNI or AMX on x86, SDOT/I8MM on Arm. Without them (x86 with AVX2 only)
 * the U8S8 kernels multiply through int16 ({@code vpmaddubsw}): an int8 bundle then runs slower than
 * its fp32 source (0.84x at batch 64 on an AVX2 AMD EPYC, docs/BENCHMARKS.md), and full-range 8-bit
 * weights can saturate (decision 0018). Read from {@code /proc/cpuinfo}; unknown elsewhere.
 *
 * @param cpu        the CPU's model name ("" when unknown)
 * @param dotProduct true or false, or null when the CPU's features could not be read
 * @param found      the dot-product features present
 */
public record Int8Host(String cpu, Boolean dotProduct, List<String> found) {
    private static final Set<String> X86 = Set.of("avx512_vnni", "avx_vnni", "amx_int8");
    private static final Set<String> ARM = Set.of("asimddp", "i8mm");

    /** This host, from /proc/cpuinfo; {@code dotProduct} null where that cannot be read. */
    public static Int8Host current() {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new Int8Host("", null, List.of());
        }
    }

    /** From the text of /proc/cpuinfo: the first "flags" (x86) or "Features" (Arm) line decides. */
    public static Int8Host parse(String cpuinfo) {
        String cpu = "";
        String features = null;
        boolean arm = false;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (cpu.isEmpty() && key.equals("model name")) {
                cpu = value;
            } else if (features == null && (key.equals("flags") || key.equals("features"))) {
                features = value;
                arm = key.equals("features");
            }
        }
        if (features == null) {
            return new Int8Host(cpu, null, List.of());
        }
        List<String> found = new ArrayList<>();
        for (String f : features.split("\\s+")) {
            if ((arm ? ARM : X86).contains(f)) {
                found.add(f);
            }
        }
        return new Int8Host(cpu, !found.isEmpty(), List.copyOf(found));
    }
}
