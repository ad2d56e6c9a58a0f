package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.serve.ModelServer;
import dev.vaeforge.serve.ServerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve bundles over HTTP: the Open Inference Protocol v2 (KServe / Triton) REST API, with "
                + "encode, decode, reconstruct and sample as each model's versions, dynamic batching, "
                + "/metrics for Prometheus, and POST /v1/models/NAME/reconstruct for image files. Runs until "
                + "SIGTERM or Ctrl-C, then answers what is queued and stops. API: docs/SERVING.md.",
                "Example: vaeforge serve bundles/vae=faces bundles/vq --port 8000"})
final class ServeCommand extends BundleCommand {
    @Parameters(arity = "1..*", paramLabel = "BUNDLE[=NAME]",
            description = "Bundle directories or BUNDLE.zip files, each served under NAME (default: the bundle's"
                    + " directory or file name without .zip).")
    List<String> bundles;

    @Option(names = "--port", defaultValue = "8000", description = "TCP port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--max-batch", defaultValue = "32",
            description = "Most items (images, latents, seeds) run in one ONNX Runtime call; larger requests are split;"
                    + " 1 turns batching off. Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "0",
            description = "How long the first queued item waits for others to join its batch. 0: a batch is what"
                    + " queued while the previous one ran. Default: ${DEFAULT-VALUE}.")
    long maxDelayMs;

    @Option(names = "--max-queue", defaultValue = "1024",
            description = "Most items waiting per model and operation; beyond it requests get 429 with Retry-After."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxQueue;

    @Option(names = "--timeout-ms", defaultValue = "30000",
            description = "A request not answered this long after it arrived gets 504. Default: ${DEFAULT-VALUE}.")
    long timeoutMs;

    @Option(names = "--max-body", defaultValue = "64m", paramLabel = "BYTES",
            description = "Largest request body (suffix k, m or g for KiB, MiB, GiB); larger ones get 413."
                    + " Default: ${DEFAULT-VALUE}.")
    String maxBody;

    @Option(names = "--workers", defaultValue = "1",
            description = "Threads per model and operation running batches, each one ONNX Runtime call at a time"
                    + " (ONNX Runtime already uses every core within a call). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--drain-ms", defaultValue = "30000",
            description = "At shutdown, how long queued requests may take to finish. Default: ${DEFAULT-VALUE}.")
    long drainMs;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding a bearer token: every request but /v2/health/* then needs"
                    + " 'Authorization: Bearer TOKEN' (else 401).")
    Path tokenFile;

    @Override
    int maxBatch() {
        return Math.max(1, maxBatch);
    }

    @Override
    public Integer call() throws IOException {
        // the CLI's loggers default to warn; a server's access log and its start/stop lines are its output
        // (before ModelServer's loggers are made; -D on the command line wins)
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.dev.vaeforge.serve", "info");
        ServerSettings settings = new ServerSettings(host, port, maxBatch, maxDelayMs, maxQueue, timeoutMs, bytes(maxBody),
                workers, token(), drainMs);
        Map<String, Path> named = names(bundles);
        Map<String, VaeRuntime> runtimes = new LinkedHashMap<>();
        ModelServer server;
        try {
            for (Map.Entry<String, Path> e : named.entrySet()) {
                runtimes.put(e.getKey(), openRuntime(e.getValue()));
            }
            server = ModelServer.start(runtimes, settings);
        } catch (RuntimeException e) {
            runtimes.values().forEach(VaeRuntime::close);
            throw e;
        }
        Thread hook = new Thread(server::close, "serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter o = spec.commandLine().getOut();
        for (Map.Entry<String, Path> e : named.entrySet()) {
            o.printf("model %s: %s (%s)%n", e.getKey(), e.getValue(), String.join(", ",
                    server.versions(e.getKey())));
        }
        o.printf("serving on http://%s:%d/v2 (device %s, max batch %d, max delay %d ms); stop with SIGTERM or Ctrl-C%n",
                host, server.port(), device.device, maxBatch, maxDelayMs);
        o.flush();
        try {
            server.awaitClosed();
        } catch (InterruptedException e) {
            server.close();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is what closed the server
        }
        return 0;
    }

    /** BUNDLE[=NAME] to name -> path; a name defaults to the bundle's file name without .zip. */
    static Map<String, Path> names(List<String> args) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.lastIndexOf('=');
            Path p = Path.of(eq < 0 ? a : a.substring(0, eq));
            String name = eq < 0 ? defaultName(p) : a.substring(eq + 1);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "BUNDLE " + a + ": the model name '" + name
                        + "' must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit; give one"
                        + " with BUNDLE=NAME");
            }
            if (out.put(name, p) != null) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "BUNDLE " + a + ": the name '" + name
                        + "' is given twice; name each bundle with BUNDLE=NAME");
            }
        }
        return out;
    }

    private static String defaultName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        String name = f == null ? "" : f.toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
    }

    /** "1048576", "512k", "64m", "1g" in bytes. */
    static long bytes(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
            unit = s.endsWith("k") ? 1L << 10 : s.endsWith("m") ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw VaeforgeException.badParameter("maxBody: '" + text + "' is not a size; expected bytes, or a number with"
                    + " k, m or g", "maxBody");
        }
    }

    private String token() throws IOException {
        if (tokenFile == null) {
            return null;
        }
        if (!Files.isRegularFile(tokenFile)) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--token-file " + tokenFile + ": no such file");
        }
        String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--token-file " + tokenFile + ": the token must be"
                    + " one line of printable ASCII without spaces");
        }
        return t;
    }
}
