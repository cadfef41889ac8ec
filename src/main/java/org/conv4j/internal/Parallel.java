package org.conv4j.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * The one bounded thread pool of conv4j and its size knob ({@link org.conv4j.Conv4j#setThreads}).
 *
 * <p>Work is split into at most {@link #threads()} chunks; the calling thread runs one chunk itself,
 * so a pool of {@code threads() - 1} daemon workers suffices. Calls from inside a worker run serially
 * (no nested fan-out, no deadlock). Many Java threads calling at once share the same workers, so the
 * machine is never oversubscribed by conv4j's own loops.
 */
public final class Parallel {
    /** A body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    private static final List<IntConsumer> LISTENERS = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static volatile int threads = initialThreads();
    private static volatile ExecutorService pool;
    /** How long an idle worker, and a caller waiting for its workers, polls before blocking. */
    static final long SPIN_NANOS = spinMicros() * 1000L;

    private Parallel() {
    }

    private static int initialThreads() {
        String p = System.getProperty("conv4j.threads");
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default; a bad property must not break class loading
            }
            System.getLogger("org.conv4j").log(System.Logger.Level.WARNING,
                    "conv4j: ignoring conv4j.threads=" + p + " (not a positive integer)");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    // -Dconv4j.spinMicros (default 200; 0: block at once): see SpinningQueue
    private static long spinMicros() {
        String p = System.getProperty("conv4j.spinMicros");
        if (p != null && !p.isBlank()) {
            try {
                long v = Long.parseLong(p.trim());
                if (v >= 0 && v <= 1_000_000) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
            System.getLogger("org.conv4j").log(System.Logger.Level.WARNING,
                    "conv4j: ignoring conv4j.spinMicros=" + p + " (not an integer from 0 to 1000000)");
        }
        return 200;
    }

    /** Current thread count (at least 1). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the thread count and tells every listener (native backends pass it on to their libraries).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("setThreads: thread count must be at least 1, got " + n);
        }
        threads = n;
        ExecutorService old = pool;
        pool = null;
        if (old != null) {
            old.shutdown();
        }
        for (IntConsumer l : LISTENERS) {
            l.accept(n);
        }
    }

    /** Registers {@code listener} and calls it at once with the current count. */
    public static void onThreadsChanged(IntConsumer listener) {
        LISTENERS.add(listener);
        listener.accept(threads);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@code min(threads(), n / minGrain)} contiguous
     * chunks, and returns when all are done. Exceptions of a chunk are rethrown.
     *
     * @param minGrain the smallest chunk worth a thread of its own (at least 1)
     */
    public static void forRange(int n, int minGrain, RangeBody body) {
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(1, minGrain)));
        if (chunks <= 1 || IN_WORKER.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        ExecutorService ex = executor();
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            try {
                futures[c - 1] = ex.submit(() -> body.run(from, to));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the pool was replaced by setThreads meanwhile: run this chunk here
                body.run(from, to);
                futures[c - 1] = java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                awaitSpinning(f);
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        if (failure != null) {
            throw new IllegalStateException("conv4j: parallel loop interrupted", failure);
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into pieces of at least {@code minGrain} indices (about four
     * per thread), which the calling thread and up to {@code threads() - 1} workers take in turn until none is
     * left, and returns when all are done. Unlike {@link #forRange} the assignment of pieces to threads is
     * dynamic, so a thread that the operating system runs less (a shared machine) simply takes fewer pieces.
     * Use it only when the result does not depend on which thread runs which piece. Exceptions are rethrown.
     *
     * @param minGrain the smallest piece worth a thread hand-off (at least 1)
     */
    public static void forPieces(int n, int minGrain, RangeBody body) {
        int t = threads;
        long grain = Math.max(1, minGrain);
        int pieces = (int) Math.min(Math.max(1, n / grain), 4L * t);
        if (t <= 1 || pieces <= 1 || IN_WORKER.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        int np = pieces;
        RangeBody loop = (unusedFrom, unusedTo) -> {
            for (int c = next.getAndIncrement(); c < np; c = next.getAndIncrement()) {
                body.run((int) ((long) n * c / np), (int) ((long) n * (c + 1) / np));
            }
        };
        // forRange with t chunks of a dummy range gives the t threads; each drains the shared piece counter.
        forRange(Math.min(t, pieces), 1, loop);
    }

    // A worker that finishes after the caller would otherwise have to wake it (see SpinningQueue).
    private static void awaitSpinning(Future<?> f) {
        if (SPIN_NANOS > 0 && !f.isDone()) {
            long end = System.nanoTime() + SPIN_NANOS;
            while (!f.isDone() && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        }
    }

    private static ExecutorService executor() {
        ExecutorService ex = pool;
        if (ex == null) {
            synchronized (Parallel.class) {
                ex = pool;
                if (ex == null) {
                    int workers = Math.max(1, threads - 1);
                    ex = new ThreadPoolExecutor(workers, workers, 0L, TimeUnit.MILLISECONDS, new SpinningQueue(SPIN_NANOS), r -> {
                        Thread th = new Thread(() -> {
                            IN_WORKER.set(Boolean.TRUE);
                            r.run();
                        }, "conv4j-worker");
                        th.setDaemon(true);
                        return th;
                    });
                    pool = ex;
                }
            }
        }
        return ex;
    }
}
