package org.conv4j.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one bounded thread pool of conv4j and its size knob ({@link org.conv4j.Conv4j#setThreads}).
 *
 * <p><b>How a loop runs.</b> A loop is cut into a fixed list of pieces (the cut depends only on the size,
 * the grain and {@link #threads()}, never on timing). The calling thread and up to {@code threads() - 1}
 * daemon workers <i>claim</i> pieces from that list one at a time until none is left. The caller only ever
 * waits for pieces that a worker has already claimed and is running; a piece nobody claimed is run by the
 * caller itself. So a loop always finishes, whatever happens to the workers: a pool replaced by
 * {@link #setThreads} while loops are running, workers busy with other callers, or no worker at all.
 *
 * <p><b>Reliability rules.</b>
 * <ul>
 *   <li>{@link #setThreads} may be called at any time from any thread. Loops already running finish with
 *       the workers they started with (and the caller); new loops use the new count.</li>
 *   <li>A loop returns (or throws) only after every piece it started has finished, so no result buffer
 *       is released or reused while a worker still writes into it.</li>
 *   <li>Loops are not interruptible: an interrupt of the calling thread neither stops nor fails a loop. The
 *       thread's interrupt status is kept and is still set when the loop returns, so the caller's next
 *       blocking call sees it (a conv4j operation takes milliseconds, so an interrupt is honoured that much
 *       later).</li>
 *   <li>If a piece throws, no further piece is started, the running ones are waited for, and the first
 *       exception is rethrown in the caller.</li>
 *   <li>Calls from inside a worker run serially (no nested fan-out). Many Java threads calling at once
 *       share the same workers, so conv4j's own loops never oversubscribe the machine.</li>
 * </ul>
 */
public final class Parallel {
    /** A body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes indices {@code from} (inclusive) to {@code to} (exclusive).
         *
         * @param from first index
         * @param to   one past the last index
         */
        void run(int from, int to);
    }

    private static final List<IntConsumer> LISTENERS = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static volatile int threads = initialThreads();
    private static volatile Workers pool;
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

    /**
     * Current thread count.
     *
     * @return at least 1
     */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the thread count and tells every listener. Safe at any time: running loops finish on the
     * workers they started with; the old workers exit once the work queued for them is done.
     *
     * @param n the new count, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("setThreads: thread count must be at least 1, got " + n);
        }
        threads = n;
        Workers old = pool;
        pool = null;
        if (old != null) {
            old.retire();
        }
        for (IntConsumer l : LISTENERS) {
            l.accept(n);
        }
    }

    /**
     * Registers {@code listener} and calls it at once with the current count.
     *
     * @param listener called with the new count after every {@link #setThreads}
     */
    public static void onThreadsChanged(IntConsumer listener) {
        LISTENERS.add(listener);
        listener.accept(threads);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@code min(threads(), n / minGrain)} contiguous
     * chunks, and returns when all are done. The chunk boundaries depend only on {@code n}, {@code minGrain}
     * and {@link #threads()}. Exceptions of a chunk are rethrown (see the class comment).
     *
     * @param n        the number of indices (0 or more)
     * @param minGrain the smallest chunk worth a thread of its own (at least 1)
     * @param body     the work of one chunk
     */
    public static void forRange(int n, int minGrain, RangeBody body) {
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(1, minGrain)));
        run(n, chunks, t, body);
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into pieces of at least {@code minGrain} indices (about four
     * per thread), which the calling thread and up to {@code threads() - 1} workers take in turn until none is
     * left, and returns when all are done. Unlike {@link #forRange} there are more pieces than threads, so a
     * thread that the operating system runs less (a shared machine) simply takes fewer pieces.
     * Use it only when the result does not depend on which thread runs which piece. Exceptions are rethrown.
     *
     * @param n        the number of indices (0 or more)
     * @param minGrain the smallest piece worth a thread hand-off (at least 1)
     * @param body     the work of one piece
     */
    public static void forPieces(int n, int minGrain, RangeBody body) {
        int t = threads;
        long grain = Math.max(1, minGrain);
        int pieces = (int) Math.min(Math.max(1, n / grain), 4L * t);
        run(n, t <= 1 ? 1 : pieces, t, body);
    }

    private static void run(int n, int pieces, int t, RangeBody body) {
        if (pieces <= 1 || IN_WORKER.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Loop loop = new Loop(n, pieces, body);
        workers().offer(loop, Math.min(t - 1, pieces - 1));
        loop.help();
        loop.awaitClaimed();
        loop.rethrow();
    }

    /** One loop: pieces claimed in order by whichever thread comes; the caller waits only for claimed ones. */
    private static final class Loop {
        private final int n;
        private final int pieces;
        private final RangeBody body;
        private final Thread caller = Thread.currentThread();
        private final AtomicInteger next = new AtomicInteger();
        /** Pieces claimed and not finished, plus one while unclaimed pieces remain (the caller's share). */
        private final AtomicInteger running = new AtomicInteger(1);
        private volatile Throwable failure;

        Loop(int n, int pieces, RangeBody body) {
            this.n = n;
            this.pieces = pieces;
            this.body = body;
        }

        /** Claims and runs pieces until none is left (or one failed). Called by the caller and by workers. */
        void help() {
            while (failure == null) {
                running.incrementAndGet();  // before the claim: the caller must not see 0 while we run
                int c = next.getAndIncrement();
                if (c >= pieces) {
                    finished();
                    break;
                }
                try {
                    body.run((int) ((long) n * c / pieces), (int) ((long) n * (c + 1) / pieces));
                } catch (Throwable e) {
                    fail(e);
                } finally {
                    finished();
                }
            }
        }

        private synchronized void fail(Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }

        private void finished() {
            if (running.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }

        /**
         * Waits, uninterruptibly, until every claimed piece has finished. The caller has run out of pieces to
         * claim when it gets here, so what it waits for is running on a live worker thread.
         */
        void awaitClaimed() {
            if (running.decrementAndGet() == 0) {  // drop the caller's share
                return;
            }
            long end = System.nanoTime() + SPIN_NANOS;
            while (running.get() != 0 && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            while (running.get() != 0) {
                LockSupport.park(this);
                if (Thread.interrupted()) {  // park returns at once while the flag is set: hold it, restore below
                    interrupted = true;
                }
            }
            if (interrupted) {
                caller.interrupt();
            }
        }

        void rethrow() {
            Throwable f = failure;
            if (f instanceof RuntimeException) {
                throw (RuntimeException) f;
            }
            if (f instanceof Error) {
                throw (Error) f;
            }
            if (f != null) {  // a checked exception thrown sneakily by a body
                throw new IllegalStateException("conv4j: a parallel loop failed", f);
            }
        }
    }

    private static Workers workers() {
        Workers w = pool;
        if (w == null) {
            synchronized (Parallel.class) {
                w = pool;
                if (w == null) {
                    w = new Workers(Math.max(1, threads - 1));  // the current count, not the loop's
                    pool = w;
                }
            }
        }
        return w;
    }

    /** A fixed set of daemon workers taking loops from one queue; retired by sending each a stop mark. */
    private static final class Workers {
        private static final Loop STOP = new Loop(0, 0, (a, b) -> { });
        private final int size;
        private final SpinningQueue<Loop> queue = new SpinningQueue<>(SPIN_NANOS);

        Workers(int size) {
            this.size = size;
            for (int i = 0; i < size; i++) {
                Thread th = new Thread(this::work, "conv4j-worker");
                th.setDaemon(true);
                th.start();
            }
        }

        /** Asks {@code helpers} workers to join {@code loop}; a worker that comes late finds nothing to claim. */
        void offer(Loop loop, int helpers) {
            for (int i = 0; i < helpers; i++) {
                queue.offer(loop);
            }
        }

        void retire() {
            for (int i = 0; i < size; i++) {
                queue.offer(STOP);
            }
        }

        private void work() {
            IN_WORKER.set(Boolean.TRUE);
            while (true) {
                Loop loop;
                try {
                    loop = queue.take();
                } catch (InterruptedException e) {
                    continue;  // only conv4j stops its workers (retire)
                }
                if (loop == STOP) {
                    return;
                }
                loop.help();
            }
        }
    }
}
