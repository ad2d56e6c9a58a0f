package dev.vaeforge.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching for one model and operation. A request's items are split into parts of at most
 * {@code maxBatch} items and queued; a worker takes the oldest part, waits until {@code maxBatch} items
 * are queued or the oldest has waited {@code maxDelay}, and runs the parts that fit as one call. The
 * queue holds at most {@code maxQueue} items (beyond it: 429), a request not done by its deadline is
 * answered 504 and its parts leave the queue, and {@link #drain} runs what is queued before the workers
 * stop. A batch that fails is run again part by part, so one request cannot fail another's.
 */
final class Batcher {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /** Runs one batch of validated inputs of {@code n} items. */
    interface Runner {
        Map<String, Values> run(Map<String, Values> inputs, int n);
    }

    private static final class Part {
        final Map<String, Values> inputs;
        final int n;
        final long enqueued = System.nanoTime();
        final CompletableFuture<Map<String, Values>> result = new CompletableFuture<>();

        Part(Map<String, Values> inputs, int n) {
            this.inputs = inputs;
            this.n = n;
        }
    }

    private final String model;
    private final String operation;
    private final Runner runner;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueue;
    private final ServeMetrics metrics;
    private final ScheduledExecutorService timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Part> queue = new ArrayDeque<>();
    private final AtomicInteger depth = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    /** One per worker: whoever runs a batch holds one (a worker, or a request run on its own thread). */
    private final Semaphore running;
    private boolean stopping;

    Batcher(String model, Operation op, Runner runner, ServerSettings settings, ServeMetrics metrics,
            ScheduledExecutorService timer) {
        this.model = model;
        this.operation = op.key();
        this.runner = runner;
        this.maxBatch = settings.maxBatch();
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(settings.maxDelayMs());
        this.maxQueue = settings.maxQueue();
        this.metrics = metrics;
        this.timer = timer;
        this.running = new Semaphore(settings.workers());
        metrics.queue(model, operation, depth);
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = new Thread(this::work, "batch-" + model + "-" + operation + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Items waiting now. */
    int depth() {
        return depth.get();
    }

    /**
     * Queues {@code n} items; the future completes with their outputs, or with an {@link HttpError}: 504
     * past {@code timeoutNanos}.
     *
     * @throws HttpError 429 when the queue is full, 413 when the request alone is larger than the queue,
     *                   503 when the server is shutting down
     */
    CompletableFuture<Map<String, Values>> submit(Map<String, Values> inputs, int n, long timeoutNanos) {
        if (n > maxQueue) {
            throw new HttpError(413, "the request has " + n + " items, more than the queue holds (maxQueue " + maxQueue
                    + "); send at most " + maxQueue + " per request");
        }
        List<Part> parts = new ArrayList<>();
        for (int from = 0; from < n; from += maxBatch) {
            int count = Math.min(maxBatch, n - from);
            Map<String, Values> slice = new HashMap<>();
            for (Map.Entry<String, Values> e : inputs.entrySet()) {
                slice.put(e.getKey(), e.getValue().slice(from, count));
            }
            parts.add(new Part(slice, count));
        }
        lock.lock();
        try {
            if (stopping) {
                throw new HttpError(503, "the server is shutting down");
            }
            // Nothing waiting, a runner free and no delay to wait for: run on the caller's thread, which
            // saves two thread hand-offs. Whatever arrives meanwhile queues and forms the next batch.
            if (maxDelayNanos == 0 && parts.size() == 1 && queue.isEmpty() && running.tryAcquire()) {
                return runInline(parts.get(0));
            }
            if (depth.get() + n > maxQueue) {
                throw new HttpError(429, "the queue of " + model + "/" + operation + " is full (" + depth.get()
                        + " of maxQueue " + maxQueue + " items waiting); retry later");
            }
            queue.addAll(parts);
            depth.addAndGet(n);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        CompletableFuture<Map<String, Values>> all = combine(parts);
        java.util.concurrent.ScheduledFuture<?> timeout = timer.schedule(() -> expire(parts, timeoutNanos), timeoutNanos,
                TimeUnit.NANOSECONDS);
        all.whenComplete((r, e) -> timeout.cancel(false));
        return all;
    }

    /** Runs {@code part} now on this thread (holding a {@link #running} permit); called under the lock, which it releases. */
    private CompletableFuture<Map<String, Values>> runInline(Part part) {
        lock.unlock();
        try {
            run(List.of(part));
        } finally {
            running.release();
            lock.lock(); // the caller's finally unlocks
        }
        return part.result;
    }

    private void expire(List<Part> parts, long timeoutNanos) {
        HttpError late = new HttpError(504, "not answered within timeoutMs " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " (" + depth.get() + " items queued for " + model + "/" + operation + ")");
        lock.lock();
        try {
            for (Part p : parts) {
                if (!p.result.isDone() && queue.remove(p)) {
                    depth.addAndGet(-p.n);
                }
            }
        } finally {
            lock.unlock();
        }
        // outside the lock: completing runs the response callbacks
        for (Part p : parts) {
            p.result.completeExceptionally(late);
        }
    }

    private static CompletableFuture<Map<String, Values>> combine(List<Part> parts) {
        if (parts.size() == 1) {
            return parts.get(0).result;
        }
        CompletableFuture<?>[] fs = parts.stream().map(p -> p.result).toArray(CompletableFuture[]::new);
        CompletableFuture<Map<String, Values>> out = new CompletableFuture<>();
        for (CompletableFuture<?> f : fs) {
            f.whenComplete((r, e) -> {
                if (e != null) {
                    out.completeExceptionally(e); // first failure answers the request
                }
            });
        }
        CompletableFuture.allOf(fs).thenRun(() -> {
            Map<String, Values> joined = new HashMap<>();
            for (String name : parts.get(0).result.join().keySet()) {
                List<Values> vs = new ArrayList<>();
                for (Part p : parts) {
                    vs.add(p.result.join().get(name));
                }
                joined.put(name, Values.concat(vs));
            }
            out.complete(joined);
        });
        return out;
    }

    private void work() {
        while (true) {
            List<Part> batch = next();
            if (batch == null) {
                return;
            }
            if (!batch.isEmpty()) {
                running.acquireUninterruptibly();
                try {
                    run(batch);
                } finally {
                    running.release();
                }
            }
        }
    }

    /** The parts of the next batch (possibly none, when all expired), or null once drained and stopping. */
    private List<Part> next() {
        lock.lock();
        try {
            while (true) {
                Part first = queue.peekFirst();
                if (first == null) {
                    if (stopping) {
                        return null;
                    }
                    changed.awaitUninterruptibly();
                    continue;
                }
                long left = first.enqueued + maxDelayNanos - System.nanoTime();
                if (depth.get() >= maxBatch || left <= 0 || stopping) {
                    break;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            List<Part> batch = new ArrayList<>();
            int items = 0;
            while (!queue.isEmpty() && items + queue.peekFirst().n <= maxBatch) {
                Part p = queue.pollFirst();
                depth.addAndGet(-p.n);
                if (!p.result.isDone()) {
                    batch.add(p);
                    items += p.n;
                }
            }
            changed.signalAll(); // another worker may start on what is left
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void run(List<Part> batch) {
        long start = System.nanoTime();
        int items = 0;
        for (Part p : batch) {
            items += p.n;
            metrics.queueWait(model, operation, start - p.enqueued);
        }
        try {
            Map<String, Values> out = runner.run(joinInputs(batch), items);
            metrics.batch(model, operation, items, System.nanoTime() - start);
            int from = 0;
            for (Part p : batch) {
                Map<String, Values> mine = new HashMap<>();
                for (Map.Entry<String, Values> e : out.entrySet()) {
                    mine.put(e.getKey(), e.getValue().slice(from, p.n));
                }
                p.result.complete(mine);
                from += p.n;
            }
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                LOG.warn("{}/{} failed on {} items: {}", model, operation, items, e.toString());
                batch.get(0).result.completeExceptionally(e);
                return;
            }
            for (Part p : batch) {
                run(List.of(p));
            }
        }
    }

    private static Map<String, Values> joinInputs(List<Part> batch) {
        if (batch.size() == 1) {
            return batch.get(0).inputs;
        }
        Map<String, Values> joined = new HashMap<>();
        for (String name : batch.get(0).inputs.keySet()) {
            List<Values> vs = new ArrayList<>();
            for (Part p : batch) {
                vs.add(p.inputs.get(name));
            }
            joined.put(name, Values.concat(vs));
        }
        return joined;
    }

    /** Stops taking requests and waits up to {@code waitNanos} for the workers to run everything queued. */
    boolean drain(long waitNanos) {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + waitNanos;
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return workers.stream().noneMatch(Thread::isAlive);
    }

    /** Fails whatever is still queued (after a drain that ran out of time). */
    void abandon() {
        lock.lock();
        try {
            HttpError gone = new HttpError(503, "the server stopped before this request could run");
            for (Part p : queue) {
                p.result.completeExceptionally(gone);
            }
            queue.clear();
            depth.set(0);
        } finally {
            lock.unlock();
        }
    }
}
