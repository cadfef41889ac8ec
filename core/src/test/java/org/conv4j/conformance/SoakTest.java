package org.conv4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Soak: many threads run random operations of {@link FuzzCase}s (plus larger convolutions that take the
 * threaded and Winograd paths) on every available backend and on {@code Backends.auto()}, while other
 * threads change {@link Conv4j#setThreads} at random, interrupt the workers, and allocate garbage and call
 * the GC. Workers close their own results (some twice, some never: the GC frees those), and feed some
 * native results back as inputs. Every result is checked against the java backend's result for the same
 * operation computed single-threaded before the soak starts, within twice the conformance bound
 * ({@link Conformance#tolerance}; both sides are within one bound of the exact value).
 *
 * <p>A watchdog fails the run with a dump of every thread's stack if no operation completes for
 * {@code conv4j.soak.stallSeconds} (default 60) or the workers do not stop within that time after the end:
 * a hang is reported, never waited out. At the end it prints operations run (per backend and operation),
 * failures, interrupts delivered, thread-count changes and closes.
 *
 * <p>In {@code mvn verify} this runs for {@code conv4j.soak.seconds} = 3 seconds. The soak profile runs it
 * alone for minutes: {@code mvn -B -Psoak test} (5 minutes; {@code -Dconv4j.soak.seconds=N} sets the
 * length, {@code -Dconv4j.soak.threads=N} the worker count, default 8, {@code -Dconv4j.fuzz.seed} the
 * cases).
 */
class SoakTest {
    private final int savedThreads = Conv4j.threads();

    @AfterEach
    void restoreThreads() {
        Thread.interrupted();
        Conv4j.setThreads(savedThreads);
    }

    /** One operation of one case with its operands and the java backend's single-threaded result. */
    private record Job(String name, FuzzCase c, int op, Tensor[] in, float[] expected, NaiveReference.Result bound) {
    }

    private static final String[] CONV_OPS = {"conv2d", "conv2dBackwardData", "conv2dBackwardWeights",
        "conv2dBackwardBias"};
    private static final String[] POOL_OPS = {"maxPool2d", "maxPool2dBackward", "avgPool2d", "avgPool2dBackward"};

    private static Tensor run(Backend b, FuzzCase c, int op, Tensor[] in) {
        Tensor x = in[0], w = in[1], bias = in[2], dy = in[3];
        if (c.conv()) {
            switch (op) {
                case 0:
                    return b.conv2d(x, w, bias, c.cp());
                case 1:
                    return b.conv2dBackwardData(dy, w, c.xShape(), c.cp());
                case 2:
                    return b.conv2dBackwardWeights(dy, x, c.wShape(), c.cp());
                default:
                    return b.conv2dBackwardBias(dy);
            }
        }
        switch (op) {
            case 0:
                return b.maxPool2d(x, c.pp());
            case 1:
                return b.maxPool2dBackward(dy, x, c.pp());
            case 2:
                return b.avgPool2d(x, c.pp());
            default:
                return b.avgPool2dBackward(dy, c.xShape(), c.pp());
        }
    }

    private static NaiveReference.Result reference(FuzzCase c, int op, float[][] d) {
        double[] x = Conformance.toDouble(d[0]);
        double[] dy = Conformance.toDouble(d[3]);
        if (c.conv()) {
            double[] w = Conformance.toDouble(d[1]);
            switch (op) {
                case 0:
                    return NaiveReference.conv2d(x, c.xShape(), w, c.wShape(), d[2] == null ? null
                            : Conformance.toDouble(d[2]), c.cp());
                case 1:
                    return NaiveReference.conv2dBackwardData(dy, w, c.wShape(), c.xShape(), c.cp());
                case 2:
                    return NaiveReference.conv2dBackwardWeights(dy, x, c.xShape(), c.wShape(), c.cp());
                default:
                    return NaiveReference.conv2dBackwardBias(dy, c.yShape());
            }
        }
        switch (op) {
            case 0:
                return NaiveReference.maxPool2d(x, c.xShape(), c.pp());
            case 1:
                return NaiveReference.maxPool2dBackward(dy, x, c.xShape(), c.pp());
            case 2:
                return NaiveReference.avgPool2d(x, c.xShape(), c.pp());
            default:
                return NaiveReference.avgPool2dBackward(dy, c.xShape(), c.pp());
        }
    }

    /** Fuzz cases of every data mode and geometry, plus larger convolutions (threaded, Winograd-sized). */
    private static List<FuzzCase> cases(long seed) {
        List<FuzzCase> cases = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            cases.add(FuzzCase.of(seed, i));
        }
        ConvParams d = ConvParams.defaults();
        FuzzData[] modes = {FuzzData.UNIFORM, FuzzData.INTEGER, FuzzData.WIDE, FuzzData.SPARSE};
        int[][][] big = {
            {{2, 16, 20, 20}, {16, 16, 3, 3}},
            {{2, 32, 28, 28}, {32, 32, 3, 3}},
            {{1, 24, 30, 30}, {24, 24, 3, 3}},
            {{2, 8, 32, 32}, {16, 8, 5, 5}},
            {{4, 3, 40, 40}, {16, 3, 7, 7}},
            {{2, 64, 14, 14}, {64, 64, 1, 1}},
        };
        for (int i = 0; i < big.length; i++) {
            ConvParams p = i == 4 ? d.stride(2, 2).padding(3, 3) : i == 3 ? d.padding(2, 2) : d.padding(1, 1);
            cases.add(new FuzzCase(1000 + i, seed + i, "big", true, big[i][0], big[i][1], p, null, true,
                    modes[i % modes.length]));
        }
        return cases;
    }

    @Test
    void manyThreadsWithThreadChangesInterruptsClosesAndGcPressure() throws Exception {
        long seconds = Long.getLong("conv4j.soak.seconds", 3);
        int workers = Integer.getInteger("conv4j.soak.threads", 8);
        long stallNanos = Long.getLong("conv4j.soak.stallSeconds", 60) * 1_000_000_000L;
        long seed = FuzzTest.seed();

        // the expected results: java, one thread, before anything else runs
        Conv4j.setThreads(1);
        List<Job> jobs = new ArrayList<>();
        for (FuzzCase c : cases(seed)) {
            float[][] d = c.operands();
            Tensor[] in = {Tensor.of(d[0], c.xShape()), c.conv() ? Tensor.of(d[1], c.wShape()) : null,
                d[2] == null ? null : Tensor.of(d[2], c.wShape()[0]), Tensor.of(d[3], c.yShape())};
            for (int op = 0; op < 4; op++) {
                float[] expected = Conformance.read(run(Backends.java(), c, op, in));
                jobs.add(new Job((c.conv() ? CONV_OPS : POOL_OPS)[op], c, op, in, expected, reference(c, op, d)));
            }
        }
        Conv4j.setThreads(savedThreads);

        List<Backend> backends = new ArrayList<>();
        Conformance.backends().forEach(backends::add);
        backends.add(Backends.auto());
        Map<String, LongAdder> opsByName = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>()); // the first 20
        LongAdder failureCount = new LongAdder();
        AtomicLong ops = new AtomicLong();
        LongAdder interrupts = new LongAdder();
        LongAdder interruptsSeen = new LongAdder();
        LongAdder threadChanges = new LongAdder();
        LongAdder closes = new LongAdder();
        LongAdder chained = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;

        List<Thread> workerThreads = new ArrayList<>();
        for (int t = 0; t < workers; t++) {
            long ws = seed * 31 + t;
            workerThreads.add(new Thread(() -> {
                Random r = new Random(ws);
                while (!stop.get() && System.nanoTime() < end) {
                    Job j = jobs.get(r.nextInt(jobs.size()));
                    Backend b = backends.get(r.nextInt(backends.size()));
                    String label = b + " " + j.name + " " + j.c;
                    try {
                        Tensor[] in = j.in;
                        Tensor fed = null;
                        if (!"java".equals(b.name()) && r.nextInt(8) == 0) {
                            // feed x through a result of this backend (native or GPU input memory):
                            // an average pool with a 1x1 window copies it exactly
                            fed = b.avgPool2d(in[0], org.conv4j.PoolParams.of(1, 1));
                            in = in.clone();
                            in[0] = fed;
                            chained.increment();
                        }
                        Tensor y = run(b, j.c, j.op, in);
                        if (Thread.interrupted()) { // the operation completed; the interrupt stays for the caller
                            interruptsSeen.increment();
                        }
                        String bad = compare(y.toArray(), j.expected, j.bound, y.shape(), j.c.conv() ? null : j);
                        if (bad == null && b == Backends.cpu() && !"native".equals(y.location())) {
                            bad = "cpu() result in " + y.location() + " memory";
                        }
                        if (bad != null) {
                            failureCount.increment();
                            if (failures.size() < 20) {
                                failures.add(label + ": " + bad);
                            }
                        }
                        int k = r.nextInt(10);
                        if (k < 8) {
                            y.close();
                            closes.increment();
                            if (k == 0) {
                                y.close(); // closing twice is harmless
                            }
                        } // else: dropped, the GC frees it
                        if (fed != null) {
                            fed.close();
                        }
                        String which = b == Backends.auto() ? "auto (" + b.name() + ")" : b.name();
                        opsByName.computeIfAbsent(which + " " + j.name, n -> new LongAdder()).increment();
                        ops.incrementAndGet();
                    } catch (Throwable e) {
                        failureCount.increment();
                        failures.add(label + ": " + e);
                        stop.set(true);
                    }
                }
            }, "soak-worker-" + t));
        }
        Thread changer = new Thread(() -> {
            Random r = new Random(seed + 1);
            while (!stop.get()) {
                Conv4j.setThreads(1 + r.nextInt(4));
                threadChanges.increment();
                sleepQuietly(r.nextInt(5));
            }
        }, "soak-setThreads");
        Thread interrupter = new Thread(() -> {
            Random r = new Random(seed + 2);
            while (!stop.get()) {
                workerThreads.get(r.nextInt(workerThreads.size())).interrupt();
                interrupts.increment();
                sleepQuietly(r.nextInt(3));
            }
        }, "soak-interrupter");
        Thread garbage = new Thread(() -> {
            Random r = new Random(seed + 3);
            byte[][] keep = new byte[16][];
            for (long i = 0; !stop.get(); i++) {
                keep[r.nextInt(keep.length)] = new byte[1 << (10 + r.nextInt(12))];
                if (i % 2000 == 0) {
                    System.gc();
                }
                if (i % 64 == 0) {
                    sleepQuietly(1);
                }
            }
        }, "soak-garbage");
        List<Thread> all = new ArrayList<>(workerThreads);
        all.addAll(List.of(changer, interrupter, garbage));
        all.forEach(th -> th.setDaemon(true));
        all.forEach(Thread::start);

        // watchdog: progress at least every stallNanos, workers done within stallNanos after the end
        long lastOps = -1;
        long lastProgress = System.nanoTime();
        while (workerThreads.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(200);
            long now = System.nanoTime();
            long n = ops.get();
            if (n != lastOps) {
                lastOps = n;
                lastProgress = now;
            }
            if (now - lastProgress > stallNanos || now - end > stallNanos) {
                stop.set(true);
                fail("soak: no operation completed for " + (now - lastProgress) / 1_000_000 + " ms after " + n
                        + " operations (a hang); threads:\n" + threadDump());
            }
        }
        stop.set(true);
        for (Thread th : List.of(changer, interrupter, garbage)) {
            th.join(stallNanos / 1_000_000);
            assertTrue(!th.isAlive(), th.getName() + " did not stop:\n" + threadDump());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        StringBuilder report = new StringBuilder(String.format(
                "conv4j soak: %.1f s, %d worker threads, %d operations, %d failures, %d interrupts sent (%d seen"
                        + " after an operation), %d setThreads calls, %d results closed, %d native inputs fed back;"
                        + " backends %s%n", secs, workers, ops.get(), failureCount.sum(), interrupts.sum(),
                interruptsSeen.sum(), threadChanges.sum(), closes.sum(), chained.sum(), backends));
        new TreeMap<>(opsByName).forEach((k, v) -> report.append("  ").append(k).append(": ").append(v.sum())
                .append('\n'));
        System.out.print(report);
        if (failureCount.sum() > 0) {
            fail(failureCount.sum() + " soak failures, e.g.:\n  " + String.join("\n  ", failures) + "\n" + report);
        }
        assertTrue(ops.get() >= workers, "only " + ops.get() + " operations ran");
    }

    /**
     * Null when {@code actual} agrees with the single-threaded java result {@code expected}: NaN where it
     * is NaN (or where the reference allows NaN), the same infinity, else within twice the conformance
     * bound; max pooling (a selection, {@code exactJob} non-null with op 0) exactly.
     */
    private static String compare(float[] actual, float[] expected, NaiveReference.Result bound, int[] shape,
                                  Job exactJob) {
        if (!Arrays.equals(shape, bound.shape)) {
            return "shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(bound.shape);
        }
        boolean exact = exactJob != null && exactJob.op == 0;
        for (int i = 0; i < actual.length; i++) {
            float a = actual[i];
            float e = expected[i];
            boolean ok;
            if (Float.isNaN(e) || Float.isNaN(a)) {
                ok = (Float.isNaN(e) && Float.isNaN(a)) || bound.mayBeNaN[i];
            } else if (Float.isInfinite(e) || exact) {
                ok = a == e;
            } else {
                ok = Math.abs(a - e) <= 2 * Conformance.tolerance(bound, i);
            }
            if (!ok) {
                return "value " + Conformance.index(shape, i) + " = " + a + ", java single-threaded gave " + e;
            }
        }
        return null;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String threadDump() {
        StringBuilder s = new StringBuilder();
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            s.append('"').append(ti.getThreadName()).append("\" ").append(ti.getThreadState());
            if (ti.getLockName() != null) {
                s.append(" on ").append(ti.getLockName());
            }
            s.append('\n');
            for (StackTraceElement e : ti.getStackTrace()) {
                s.append("    at ").append(e).append('\n');
            }
        }
        return s.toString();
    }
}
