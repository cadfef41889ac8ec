package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thread-count changes and interrupts while operations run, on every backend (issue reproducers):
 * <ul>
 *   <li>{@code Conv4j.setThreads} called in a loop while 8 threads compute must never leave a caller waiting
 *       forever, and every result stays right;</li>
 *   <li>an interrupted caller must never get a result buffer that a worker still writes into: the interrupted
 *       operation completes (loops are not interruptible), its interrupt status is kept, and the next result
 *       is not overwritten behind the caller's back.</li>
 * </ul>
 */
class ThreadsAndInterruptsTest {
    private final int savedThreads = Conv4j.threads();

    @AfterEach
    void restoreThreads() {
        Thread.interrupted();
        Conv4j.setThreads(savedThreads);
    }

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void setThreadsWhileEightThreadsComputeNeverDeadlocks(Backend b) throws Exception {
        Random r = new Random(13);
        int[] xShape = {2, 16, 20, 20}, wShape = {16, 16, 3, 3}, yShape = {2, 16, 18, 18};
        float[] xa = ints(r, 2 * 16 * 20 * 20), wa = ints(r, 16 * 16 * 9), dya = ints(r, 2 * 16 * 18 * 18);
        ConvParams p = ConvParams.defaults();
        NaiveReference.Result dwRef = NaiveReference.conv2dBackwardWeights(toDouble(dya), toDouble(xa), xShape, wShape, p);
        NaiveReference.Result yRef = NaiveReference.conv2d(toDouble(xa), xShape, toDouble(wa), wShape, null, p);
        Tensor x = Tensor.of(xa, xShape), w = Tensor.of(wa, wShape), dy = Tensor.of(dya, yShape);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong ops = new AtomicLong();
        BlockingQueue<Tensor> toClose = new ArrayBlockingQueue<>(64);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        try (Tensor dw = b.conv2dBackwardWeights(dy, x, wShape, p)) {
                            check(b, "conv2dBackwardWeights under setThreads", dwRef, dw);
                        }
                        Tensor y = b.conv2d(x, w, null, p);
                        check(b, "conv2d under setThreads", yRef, y);
                        if (((i + id) & 1) == 0 || !toClose.offer(y)) {  // half are closed by another thread
                            y.close();
                        }
                        ops.addAndGet(2);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "compute-" + t));
        }
        AtomicLong changes = new AtomicLong();
        threads.add(new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                Conv4j.setThreads(1 + i % 4);
                changes.incrementAndGet();
                sleep(2);
            }
        }, "set-threads"));
        threads.add(new Thread(() -> {
            while (!stop.get() || !toClose.isEmpty()) {
                try {
                    Tensor t = toClose.poll(10, TimeUnit.MILLISECONDS);
                    if (t != null) {
                        t.close();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "closer"));
        threads.forEach(Thread::start);
        sleep(3000);
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
            if (t.isAlive()) {
                fail("thread " + t.getName() + " still runs 30 s after the stop: a deadlock?\n" + dump());
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("after " + ops.get() + " operations", failure.get());
        }
        System.out.println(b.name() + ": " + ops.get() + " operations, " + changes.get() + " setThreads calls in 3 s");
        assertTrue(ops.get() >= 16, "only " + ops.get() + " operations in 3 s");
        assertTrue(changes.get() >= 100, "only " + changes.get() + " setThreads calls in 3 s");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void interruptedCallsCompleteAndNeverOverwriteTheNextResult(Backend b) {
        Conv4j.setThreads(4);
        Random r = new Random(7);
        int[] xShape = {2, 16, 64, 64}, wShape = {16, 16, 3, 3};
        float[] xa = ints(r, 2 * 16 * 64 * 64), wa = ints(r, 16 * 16 * 9);
        ConvParams p = ConvParams.defaults().padding(1, 1);
        Tensor x = Tensor.of(xa, xShape), w = Tensor.of(wa, wShape);
        float[] expected;
        try (Tensor y = b.conv2d(x, w, null, p)) {
            check(b, "conv2d", NaiveReference.conv2d(toDouble(xa), xShape, toDouble(wa), wShape, null, p), y);
            expected = y.toArray();
        }
        float[] sevens = new float[256 * 512];
        Arrays.fill(sevens, 7f);
        Tensor constant = Tensor.of(sevens, 1, 1, 256, 512);
        PoolParams identity = PoolParams.of(1, 1);
        for (int loop = 0; loop < 1000; loop++) {
            Thread.currentThread().interrupt();
            try (Tensor y = b.conv2d(x, w, null, p)) {
                assertTrue(Thread.interrupted(), "loop " + loop + ": the interrupt status was cleared");
                assertArrayEquals(expected, y.toArray(), "loop " + loop + ": the interrupted conv2d");
            }
            try (Tensor y2 = b.maxPool2d(constant, identity)) {
                float[] first = y2.toArray();
                float[] second = y2.toArray();
                assertArrayEquals(sevens, first, "loop " + loop + ": first read of the next result");
                assertArrayEquals(first, second, "loop " + loop + ": the next result changed after it was returned");
            }
        }
        assertEquals(false, Thread.currentThread().isInterrupted());
    }

    /** Exact comparison (integer data: every order of summation gives the reference) and the backend's memory. */
    private static void check(Backend b, String what, NaiveReference.Result ref, Tensor actual) {
        assertEquals(Conformance.expectedLocation(b.name()), actual.location(), what + ": another backend ran");
        float[] a = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != ref.value[i]) {
                fail(b.name() + " " + what + ": value " + i + " is " + a[i] + ", expected " + ref.value[i]);
            }
        }
    }

    /** Small integers: every sum exact in float32, so any backend must match the reference exactly. */
    private static float[] ints(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(7) - 3;
        }
        return a;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String dump() {
        StringBuilder sb = new StringBuilder();
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            sb.append(ti);
        }
        return sb.toString();
    }
}
