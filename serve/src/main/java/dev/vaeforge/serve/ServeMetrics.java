package dev.vaeforge.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's meters in one Micrometer registry, scraped as Prometheus text at {@code /metrics}.
 * Names (as Prometheus shows them): {@code vaeforge_requests_total} and {@code vaeforge_request_errors_total}
 * by model, operation and status; {@code vaeforge_request_duration_seconds} (histogram) by model and
 * operation; {@code vaeforge_batch_size} (histogram of items per ONNX Runtime call),
 * {@code vaeforge_batch_duration_seconds}, {@code vaeforge_queue_wait_seconds} and {@code vaeforge_queue_depth}
 * (items waiting) by model and operation; and the JVM's memory pools. Model and operation tags take only
 * served names (anything else is "unknown"), so a client cannot grow the registry.
 */
final class ServeMetrics {
    static final String UNKNOWN = "unknown";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final int maxBatch;

    ServeMetrics(int maxBatch) {
        this.maxBatch = maxBatch;
        new JvmMemoryMetrics().bindTo(registry);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    /**
     * Meters by name and tags, built once: a builder's {@code register} makes tags, an id and a registry
     * look-up every time, on every request. Bounded as the tags are (served names and statuses).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> meters = new java.util.concurrent.ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    private <T> T meter(String key, java.util.function.Supplier<T> make) {
        Object m = meters.get(key);
        if (m == null) {
            m = meters.computeIfAbsent(key, k -> make.get());
        }
        return (T) m;
    }

    void request(String model, String operation, int status, long nanos) {
        String key = model + '/' + operation + '/' + status;
        Counter requests = meter("r/" + key, () -> Counter.builder("vaeforge.requests").description("Inference requests answered")
                .tags("model", model, "operation", operation, "status", Integer.toString(status)).register(registry));
        requests.increment();
        if (status >= 400) {
            Counter errors = meter("e/" + key, () -> Counter.builder("vaeforge.request.errors")
                    .description("Inference requests answered with an error status")
                    .tags("model", model, "operation", operation, "status", Integer.toString(status)).register(registry));
            errors.increment();
        }
        Timer duration = meter("d/" + model + '/' + operation, () -> Timer.builder("vaeforge.request.duration").description("Time from request to response")
                .tags("model", model, "operation", operation).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(0).plusNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry));
        duration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A gauge reading {@code depth}: items waiting for model and operation. */
    void queue(String model, String operation, AtomicInteger depth) {
        Gauge.builder("vaeforge.queue.depth", depth, AtomicInteger::get).description("Items waiting to be batched")
                .tags("model", model, "operation", operation).register(registry);
    }

    void batch(String model, String operation, int items, long nanos) {
        String key = model + '/' + operation;
        DistributionSummary size = meter("s/" + key, () -> DistributionSummary.builder("vaeforge.batch.size").description("Items per ONNX Runtime call")
                .tags("model", model, "operation", operation).serviceLevelObjectives(buckets())
                .register(registry));
        size.record(items);
        Timer duration = meter("b/" + key, () -> Timer.builder("vaeforge.batch.duration").description("Time one batch takes in the model")
                .tags("model", model, "operation", operation).publishPercentileHistogram()
                .register(registry));
        duration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void queueWait(String model, String operation, long nanos) {
        Timer wait = meter("w/" + model + '/' + operation, () -> Timer.builder("vaeforge.queue.wait")
                .description("Time an item waits before its batch starts")
                .tags("model", model, "operation", operation).publishPercentileHistogram()
                .register(registry));
        wait.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Powers of two up to the largest batch. */
    private double[] buckets() {
        int k = 0;
        for (int b = 1; b < maxBatch; b *= 2) {
            k++;
        }
        double[] out = new double[k + 1];
        for (int i = 0, b = 1; i < k; i++, b *= 2) {
            out[i] = b;
        }
        out[k] = maxBatch;
        return out;
    }
}
