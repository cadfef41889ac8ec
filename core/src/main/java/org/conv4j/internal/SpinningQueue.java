package org.conv4j.internal;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The work queue of conv4j's pool: a worker that finds it empty polls it for a short while before it
 * blocks. Waking a blocked thread took about 50 microseconds on the 2-core benchmark VM, as long as a
 * whole small convolution (LeNet's weight gradient: median 117 us with the hand-off against 70 us best).
 * Back-to-back operations (a training step) thus find the worker awake; an idle pool blocks after the
 * spin and costs nothing. OpenMP runtimes do the same (libgomp's OMP_WAIT_POLICY, Intel's KMP_BLOCKTIME).
 */
final class SpinningQueue<E> extends LinkedBlockingQueue<E> {
    private static final long serialVersionUID = 1L;

    private final long spinNanos;

    /** @param spinNanos how long an idle worker polls before it blocks; 0 blocks at once */
    SpinningQueue(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    @Override
    public E take() throws InterruptedException {
        if (spinNanos > 0) {
            long end = System.nanoTime() + spinNanos;
            do {
                if (!isEmpty()) {  // a plain count read; poll() takes the lock
                    E r = poll();
                    if (r != null) {
                        return r;
                    }
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - end < 0);
        }
        return super.take();
    }
}
