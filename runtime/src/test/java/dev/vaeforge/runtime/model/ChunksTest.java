package dev.vaeforge.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunksTest {
    @Test
    void coversEveryItemOnceInOrder() {
        List<int[]> seen = new ArrayList<>();
        Chunks.forEach(10, 4, (from, count) -> seen.add(new int[] {from, count}));
        assertEquals(3, seen.size());
        assertArrayEquals(new int[] {0, 4}, seen.get(0));
        assertArrayEquals(new int[] {4, 4}, seen.get(1));
        assertArrayEquals(new int[] {8, 2}, seen.get(2));
        List<int[]> one = new ArrayList<>();
        Chunks.forEach(3, 64, (from, count) -> one.add(new int[] {from, count}));
        assertArrayEquals(new int[] {0, 3}, one.get(0));
    }

    @Test
    void nothingToDoAndBadSizes() {
        List<Integer> calls = new ArrayList<>();
        Chunks.forEach(0, 4, (from, count) -> calls.add(from));
        assertTrue(calls.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Chunks.forEach(3, 0, (from, count) -> { }));
    }

    @Test
    void checkedExceptionsPassThrough() {
        assertThrows(java.io.IOException.class, () -> Chunks.forEach(2, 1, (from, count) -> {
            throw new java.io.IOException("x");
        }));
    }

    @Test
    void slicesCopyOnlyWhenTheyMust() {
        float[] a = {0, 1, 2, 3, 4, 5};
        assertSame(a, Chunks.slice(a, 0, 3, 2));
        assertArrayEquals(new float[] {2, 3, 4, 5}, Chunks.slice(a, 1, 2, 2));
        long[] l = {7, 8, 9};
        assertSame(l, Chunks.slice(l, 0, 3, 1));
        assertArrayEquals(new long[] {9}, Chunks.slice(l, 2, 1, 1));
    }
}
