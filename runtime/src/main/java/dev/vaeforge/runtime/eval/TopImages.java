package dev.vaeforge.runtime.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the K images with the highest score (with copies of their pixels), in bounded memory. */
final class TopImages {
    record Entry(int index, double score, float[] original, float[] reconstruction) {
    }

    private final int k;
    private final PriorityQueue<Entry> heap = new PriorityQueue<>(Comparator.comparingDouble(Entry::score));

    TopImages(int k) {
        this.k = k;
    }

    /** Offers image {@code index}; its pixels are copied only if it makes the cut. */
    void offer(int index, double score, float[] x, float[] xHat, int offset, int size) {
        if (heap.size() >= k && score <= heap.peek().score()) {
            return;
        }
        float[] a = new float[size];
        float[] b = new float[size];
        System.arraycopy(x, offset, a, 0, size);
        System.arraycopy(xHat, offset, b, 0, size);
        heap.add(new Entry(index, score, a, b));
        if (heap.size() > k) {
            heap.poll();
        }
    }

    /** Highest score first. */
    List<Entry> sorted() {
        List<Entry> out = new ArrayList<>(heap);
        out.sort(Comparator.comparingDouble(Entry::score).reversed());
        return out;
    }
}
