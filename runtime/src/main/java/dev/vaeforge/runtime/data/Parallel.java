package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs independent per-item work on a few threads of its own (not the common fork-join pool, which
 * training code may be using), items handed out one at a time so slow files do not stall a thread's
 * whole share. The first failure stops the others and is rethrown.
 */
final class Parallel {
    /** Work on item {@code i}. */
    @FunctionalInterface
    interface Task {
        void run(int i) throws IOException;
    }

    private Parallel() {
    }

    /** Threads to use by default: one per core, at most 8. */
    static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    static void forEach(int count, int threads, String name, Task task) throws IOException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            try {
                for (int i = next.getAndIncrement(); i < count && failure.get() == null; i = next.getAndIncrement()) {
                    task.run(i);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        int n = Math.max(1, Math.min(threads, count));
        List<Thread> started = new ArrayList<>();
        for (int t = 1; t < n; t++) {
            Thread th = new Thread(worker, name + "-" + t);
            th.setDaemon(true);
            th.start();
            started.add(th);
        }
        worker.run();
        boolean interrupted = false;
        for (Thread th : started) {
            while (true) {
                try {
                    th.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, e);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof UncheckedIOException u) {
            throw u.getCause();
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IOException(name + " interrupted", t);
        }
    }
}
