package org.conv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pool's queue hands over work offered while a worker spins, and after it has blocked. */
class SpinningQueueTest {

    @Test
    void takeReturnsWorkOfferedDuringTheSpin() throws Exception {
        SpinningQueue<Runnable> q = new SpinningQueue<>(TimeUnit.SECONDS.toNanos(5));
        Runnable job = () -> { };
        CompletableFuture<Runnable> taken = takeAsync(q);
        Thread.sleep(20);
        q.offer(job);
        assertSame(job, taken.get(5, TimeUnit.SECONDS));
        assertTrue(q.isEmpty());
    }

    @Test
    void takeBlocksAfterTheSpinAndStillGetsWork() throws Exception {
        for (long spin : new long[] {0, TimeUnit.MICROSECONDS.toNanos(100)}) {
            SpinningQueue<Runnable> q = new SpinningQueue<>(spin);
            Runnable job = () -> { };
            CompletableFuture<Runnable> taken = takeAsync(q);
            Thread.sleep(50);  // far past the spin: the taker is blocked
            q.offer(job);
            assertSame(job, taken.get(5, TimeUnit.SECONDS), "spin " + spin);
        }
    }

    private static CompletableFuture<Runnable> takeAsync(SpinningQueue<Runnable> q) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return q.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void thePoolSpinsByDefault() {
        assertEquals(200_000L, Parallel.SPIN_NANOS, "default -Dconv4j.spinMicros is 200");
    }

    @Test
    void forRangeWithSpinningWorkersCoversEveryIndexOnce() {
        int n = 1000;
        java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(n);
        for (int rep = 0; rep < 200; rep++) {
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
        }
        for (int i = 0; i < n; i++) {
            assertEquals(200, hits.get(i), "index " + i);
        }
    }
}
