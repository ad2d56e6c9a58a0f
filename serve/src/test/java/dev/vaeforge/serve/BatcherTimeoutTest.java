package dev.vaeforge.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/**
 * A request answered in time leaves nothing in the timer: its timeout task, which holds the request's
 * inputs and outputs, is cancelled and removed (it used to stay queued for timeoutMs after the answer).
 */
class BatcherTimeoutTest {
    @Test
    void answeredRequestsLeaveNoTimeoutBehind() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true);
        // a delay of 1 ms: every request goes through the queue (delay 0 may run it on the caller's thread)
        ServerSettings s = ServerSettings.defaults(0).withBatching(4, 1).withLimits(64, 60_000, 1 << 20);
        Batcher b = new Batcher("m", Operation.RECONSTRUCT, (in, n) -> in, s, new ServeMetrics(4), timer);
        try {
            List<CompletableFuture<Map<String, Values>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(b.submit(Map.of("x", Values.ofFloats(new float[] {i, -i}, 1, 2)), 1, 60_000_000_000L));
            }
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(new float[] {i, -i}, answers.get(i).join().get("x").floats());
            }
            assertEquals(0, timer.getQueue().size(), "timeout tasks still queued after every request was answered");
        } finally {
            b.drain(1_000_000_000L);
            timer.shutdownNow();
        }
    }
}
