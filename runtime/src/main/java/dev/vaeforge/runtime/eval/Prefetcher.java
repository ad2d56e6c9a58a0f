package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.data.ImageDataset;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the next batches of a dataset on a background thread (at most {@code depth} ahead), so that
 * image decoding overlaps inference and memory stays bounded by a few batches.
 */
final class Prefetcher implements AutoCloseable {
    /** One batch: images {@code [from, from + count)} as NCHW floats. */
    record Batch(int from, int count, float[] pixels) {
    }

    private static final Batch END = new Batch(-1, 0, new float[0]);
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean stopped;

    Prefetcher(ImageDataset data, int n, int batchSize, int depth) {
        this.queue = new ArrayBlockingQueue<>(depth);
        this.thread = new Thread(() -> produce(data, n, batchSize), "vaeforge-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(ImageDataset data, int n, int batchSize) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        try {
            for (int from = 0; from < n && !stopped; from += batchSize) {
                int b = Math.min(batchSize, n - from);
                put(new Batch(from, b, data.batch(idx, from, b)));
            }
            put(END);
        } catch (RuntimeException e) {
            try {
                put(e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void put(Object o) throws InterruptedException {
        while (!stopped && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
            // wait for the consumer, but notice close()
        }
    }

    /** The next batch, or null at the end; a reader failure is rethrown here, in the caller's thread. */
    Batch next() throws InterruptedException {
        Object o = queue.take();
        if (o instanceof RuntimeException e) {
            throw e;
        }
        Batch b = (Batch) o;
        return b == END ? null : b;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
