package dev.vaeforge.cli.bench;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.trainer.engine.NativeAllocator;
import dev.vaeforge.trainer.engine.OpenMpWait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch eager peer: runs bench/peers/torch_vae.py with the same architecture and settings in a
 * child process (phase "peer"), once as it is and once more, training only, with the process settings
 * our trainer gives itself. Where the peer cannot run, a note says why and the bench goes on.
 */
public final class TorchPeer {
    static final Path SCRIPT = Path.of("bench", "peers", "torch_vae.py");

    private final String python;
    private final Path script;
    private final boolean skip;

    /**
     * @param script the peer script, or null to look for bench/peers/torch_vae.py of the checkout
     * @param skip true for --no-peer
     */
    public TorchPeer(String python, Path script, boolean skip) {
        this.python = python;
        this.script = script;
        this.skip = skip;
    }

    /** bench.json's "peer": "result" (the peer's JSON), "command" and "same_process_settings", or "note". */
    public Map<String, Object> run(BenchSettings s, MemorySampler memory) throws IOException, InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        if (skip) {
            r.put("note", "skipped (--no-peer)");
            return r;
        }
        if (!Files.isExecutable(Path.of(python))) {
            r.put("note", "skipped: " + python + " not found");
            return r;
        }
        Path found = script != null ? script : findScript();
        if (found == null || !Files.isRegularFile(found)) {
            r.put("note", "skipped: peer script " + (found == null ? "bench/peers/torch_vae.py" : found) + " not found");
            return r;
        }
        memory.beginPhase();
        List<String> cmd = new ArrayList<>(List.of(python, found.toString(), "--channels", Integer.toString(s.channels()),
                "--size", Integer.toString(s.imageSize()), "--widths", join(s.widths()), "--latent",
                Integer.toString(s.latentDim()), "--batch", Integer.toString(s.batchSize()), "--steps",
                Integer.toString(s.steps()), "--warmup", Integer.toString(s.warmup()), "--threads",
                Integer.toString(s.threads()), "--recon-batches", join(s.reconBatches()), "--latency-iters",
                Integer.toString(s.latencyIters()), "--seconds", Double.toString(s.seconds())));
        try {
            if (!runOnce(cmd, Map.of(), r)) {
                return r;
            }
            // training again with the process settings our trainer gives itself (EngineSetup), so that
            // the ratio of the kernels and of the settings can be told apart
            List<String> again = new ArrayList<>(cmd);
            again.add("--train-only");
            Map<String, String> env = Map.of(OpenMpWait.VARIABLE, "PASSIVE", "GLIBC_TUNABLES", NativeAllocator.glibcTunables());
            Map<String, Object> tuned = new LinkedHashMap<>();
            runOnce(again, env, tuned);
            tuned.put("environment", env);
            r.put("same_process_settings", tuned);
            return r;
        } finally {
            memory.endPhase("peer");
        }
    }

    /** Runs one peer command with {@code env} added; puts its JSON under "result" (true) or a "note" saying why not. */
    private static boolean runOnce(List<String> cmd, Map<String, String> env, Map<String, Object> r)
            throws IOException, InterruptedException {
        Path err = Files.createTempFile("vaeforge-peer", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
            }
            String text = new String(stdout, StandardCharsets.UTF_8).trim();
            String errText = Files.readString(err).trim();
            if (p.exitValue() != 0 || text.isEmpty()) {
                r.put("note", (errText.contains("No module named 'torch'") ? "skipped: torch is not installed for " + cmd.get(0)
                        : "skipped: the peer failed (exit " + p.exitValue() + "): " + lastLine(errText)));
                return false;
            }
            String last = text.substring(text.lastIndexOf('\n') + 1);
            r.put("command", String.join(" ", cmd));
            r.put("result", Json.mapper().readTree(last));
            return true;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String lastLine(String s) {
        return s.isEmpty() ? "no message" : s.substring(s.lastIndexOf('\n') + 1);
    }

    private static String join(List<Integer> v) {
        return String.join(",", v.stream().map(String::valueOf).toList());
    }

    /** bench/peers/torch_vae.py under the working directory, its parent, or the checkout the CLI was built in. */
    private static Path findScript() {
        List<Path> candidates = new ArrayList<>(List.of(SCRIPT, Path.of("..").resolve(SCRIPT)));
        try {
            Path jar = Path.of(TorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cli/target/vaeforge-cli.jar or cli/target/classes -> the checkout
            candidates.add(jar.toAbsolutePath().getParent().getParent().getParent().resolve(SCRIPT));
        } catch (Exception | Error ignored) {
            // no code source: only the working directory
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        return null;
    }
}
