package dev.vaeforge.serve;

import dev.vaeforge.runtime.VaeforgeException;

/**
 * How a {@link ModelServer} listens, batches and limits. Every limit is a parameter named as the
 * {@link VaeforgeException#parameters()} of its validation error, so a CLI can show it as its flag.
 *
 * @param host          address to bind ("127.0.0.1" for loopback only, "0.0.0.0" for every interface)
 * @param port          TCP port; 0 picks a free one ({@link ModelServer#port()} says which)
 * @param maxBatch      most items (images, latents, seeds) one ONNX Runtime call runs; 1 turns batching off
 * @param maxDelayMs    how long the first queued item of a batch waits for others to join it
 * @param maxQueue      most items waiting per model and operation; beyond it requests get 429
 * @param timeoutMs     a request not answered this long after it arrived gets 504
 * @param maxBody       largest request body in bytes; larger ones get 413
 * @param workers       threads per model and operation that run batches (each one ONNX Runtime call at a time)
 * @param token         the bearer token every request but health checks must carry; null for none
 * @param drainMs       at shutdown, how long queued requests may take to finish before the server stops anyway
 */
public record ServerSettings(String host, int port, int maxBatch, long maxDelayMs, int maxQueue, long timeoutMs,
                             long maxBody, int workers, String token, long drainMs) {
    public static final int DEFAULT_PORT = 8000;

    public ServerSettings {
        if (host == null || host.isBlank()) {
            throw VaeforgeException.badParameter("host must not be empty", "host");
        }
        if (port < 0 || port > 65535) {
            throw VaeforgeException.badParameter("port must be in 0..65535, got " + port, "port");
        }
        if (maxBatch < 1 || maxBatch > 65536) {
            throw VaeforgeException.badParameter("maxBatch must be in 1..65536, got " + maxBatch, "maxBatch");
        }
        if (maxDelayMs < 0 || maxDelayMs > 60_000) {
            throw VaeforgeException.badParameter("maxDelayMs must be in 0..60000, got " + maxDelayMs, "maxDelayMs");
        }
        if (maxQueue < 1) {
            throw VaeforgeException.badParameter("maxQueue must be >= 1, got " + maxQueue, "maxQueue");
        }
        if (timeoutMs < 1) {
            throw VaeforgeException.badParameter("timeoutMs must be >= 1, got " + timeoutMs, "timeoutMs");
        }
        if (maxBody < 1024) {
            throw VaeforgeException.badParameter("maxBody must be >= 1024 bytes, got " + maxBody, "maxBody");
        }
        if (maxBody > Integer.MAX_VALUE - 8) {
            throw VaeforgeException.badParameter("maxBody must be < 2 GiB, got " + maxBody, "maxBody");
        }
        if (workers < 1 || workers > 256) {
            throw VaeforgeException.badParameter("workers must be in 1..256, got " + workers, "workers");
        }
        if (token != null && (token.isBlank() || !token.strip().equals(token) || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw VaeforgeException.badParameter("token must be non-empty printable ASCII without spaces", "token");
        }
        if (drainMs < 0) {
            throw VaeforgeException.badParameter("drainMs must be >= 0, got " + drainMs, "drainMs");
        }
    }

    /**
     * Loopback on {@code port}; batches of up to 32 items with no added delay (a batch is what queued while
     * the previous one ran, as Triton's default max_queue_delay of 0); 1024 queued items; 30 s timeout;
     * 64 MiB bodies; one worker; no token; 30 s to drain.
     */
    public static ServerSettings defaults(int port) {
        return new ServerSettings("127.0.0.1", port, 32, 0, 1024, 30_000, 64L << 20, 1, null, 30_000);
    }

    public ServerSettings withBatching(int newMaxBatch, long newMaxDelayMs) {
        return new ServerSettings(host, port, newMaxBatch, newMaxDelayMs, maxQueue, timeoutMs, maxBody, workers, token, drainMs);
    }

    public ServerSettings withLimits(int newMaxQueue, long newTimeoutMs, long newMaxBody) {
        return new ServerSettings(host, port, maxBatch, maxDelayMs, newMaxQueue, newTimeoutMs, newMaxBody, workers, token, drainMs);
    }

    public ServerSettings withWorkers(int newWorkers) {
        return new ServerSettings(host, port, maxBatch, maxDelayMs, maxQueue, timeoutMs, maxBody, newWorkers, token, drainMs);
    }

    public ServerSettings withToken(String newToken) {
        return new ServerSettings(host, port, maxBatch, maxDelayMs, maxQueue, timeoutMs, maxBody, workers, newToken, drainMs);
    }

    public ServerSettings withHost(String newHost) {
        return new ServerSettings(newHost, port, maxBatch, maxDelayMs, maxQueue, timeoutMs, maxBody, workers, token, drainMs);
    }

    public ServerSettings withDrainMs(long newDrainMs) {
        return new ServerSettings(host, port, maxBatch, maxDelayMs, maxQueue, timeoutMs, maxBody, workers, token, newDrainMs);
    }
}
