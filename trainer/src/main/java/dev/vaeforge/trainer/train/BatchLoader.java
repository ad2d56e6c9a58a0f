package dev.vaeforge.trainer.train;

import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.ImageDataset;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads batches of images on a background thread, up to {@code depth} batches ahead, so decoding
 * and copying the next batch overlap the forward/backward pass of the current one. Produces plain
 * float arrays: NDArrays are made on the training thread, which owns the engine's state.
 */
public final class BatchLoader implements AutoCloseable {
    /**
     * One NCHW batch of {@code count} images.
     *
     * @param conditions their conditions y[count, A] for a conditional model, else null
     */
    public record Batch(float[] pixels, int count, float[] conditions) {
        public Batch(float[] pixels, int count) {
            this(pixels, count, null);
        }
    }

    private static final Object END = new Object();
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param order the image indices to visit, in order
     * @param dropLast leave out a trailing batch smaller than {@code batchSize}
     */
    public BatchLoader(ImageDataset dataset, int[] order, int batchSize, boolean dropLast, int depth) {
        this(dataset, null, order, batchSize, dropLast, depth);
    }

    /**
     * @param conditions the conditions of {@code dataset}'s images, read along with them; null for none
     */
    public BatchLoader(ImageDataset dataset, DatasetConditions conditions, int[] order, int batchSize, boolean dropLast,
                       int depth) {
        if (batchSize < 1 || depth < 1) {
            throw new IllegalArgumentException("batch size and depth must be positive, got " + batchSize + ", " + depth);
        }
        this.queue = new ArrayBlockingQueue<>(depth);
        int batches = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
        this.thread = new Thread(() -> produce(dataset, conditions, order, batchSize, batches), "vaeforge-batch-loader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Number of batches a loader will produce. */
    public static int batchCount(int images, int batchSize, boolean dropLast) {
        return dropLast ? images / batchSize : (images + batchSize - 1) / batchSize;
    }

    private void produce(ImageDataset dataset, DatasetConditions conditions, int[] order, int batchSize, int batches) {
        Object last = END;
        try {
            for (int b = 0; b < batches && !closed; b++) {
                int from = b * batchSize;
                int count = Math.min(batchSize, order.length - from);
                put(new Batch(dataset.batch(order, from, count), count,
                        conditions == null ? null : conditions.batch(order, from, count)));
            }
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException | Error e) {
            last = e;
        }
        try {
            put(last);
        } catch (InterruptedException e) {
            // closed while the consumer was not reading: nobody is waiting for the end marker
        }
    }

    private void put(Object item) throws InterruptedException {
        while (!closed) {
            if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /**
     * The next batch, or null after the last one.
     *
     * @throws IllegalStateException carrying the reader's exception when reading the dataset failed
     */
    public Batch next() {
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
        if (item == END) {
            queue.offer(END);
            return null;
        }
        if (item instanceof Throwable t) {
            queue.offer(END);
            throw new IllegalStateException("reading a batch failed: " + t.getMessage(), t);
        }
        return (Batch) item;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
