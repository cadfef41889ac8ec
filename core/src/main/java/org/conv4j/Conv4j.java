package org.conv4j;

import org.conv4j.internal.Parallel;

/**
 * Entry points that are not tied to one backend: the textbook's {@link #corr2d} and {@link #strictConv2d},
 * and the one thread knob shared by every backend.
 */
public final class Conv4j {
    private Conv4j() {
    }

    /**
     * The textbook's {@code corr2d(X, K)}: 2-D cross-correlation of a 2-D input with a 2-D kernel,
     * no padding, stride 1, computed on {@link Backends#auto()}.
     *
     * @param x {@code [H, W]}
     * @param k {@code [kH, kW]}
     * @return {@code [H - kH + 1, W - kW + 1]} on the heap
     * @throws IllegalArgumentException if either is null or not rank 2, or the kernel is larger than the input
     */
    public static Tensor corr2d(Tensor x, Tensor k) {
        return corr2d(Backends.auto(), x, k);
    }

    /**
     * {@link #corr2d(Tensor, Tensor)} on a chosen backend.
     *
     * @param backend the backend that computes it
     * @param x the 2-D input, {@code [H, W]}
     * @param k the 2-D kernel, {@code [kH, kW]}, at most as large as {@code x}
     * @return the cross-correlation, {@code [H - kH + 1, W - kW + 1]}, on the heap
     */
    public static Tensor corr2d(Backend backend, Tensor x, Tensor k) {
        String op = "corr2d";
        check2d(op, x, k);
        try (Tensor y = backend.conv2d(Tensor.of(x.toArray(), 1, 1, x.dim(0), x.dim(1)),
                Tensor.of(k.toArray(), 1, 1, k.dim(0), k.dim(1)), null, ConvParams.defaults())) {
            return Tensor.of(y.toArray(), y.dim(2), y.dim(3));
        }
    }

    /**
     * Strict (textbook) convolution of a 2-D input with a 2-D kernel: the cross-correlation with the
     * kernel flipped in both axes. {@code strictConv2d(x, flip(k)) == corr2d(x, k)}.
     *
     * @param x the 2-D input, {@code [H, W]}
     * @param k the 2-D kernel, {@code [kH, kW]}, at most as large as {@code x}
     * @return the convolution, {@code [H - kH + 1, W - kW + 1]}, on the heap
     * @throws IllegalArgumentException as {@link #corr2d(Tensor, Tensor)}
     */
    public static Tensor strictConv2d(Tensor x, Tensor k) {
        check2d("strictConv2d", x, k);
        return corr2d(x, flip(k));
    }

    /**
     * The kernel turned by 180 degrees: {@code out[i][j] = k[kH-1-i][kW-1-j]}.
     *
     * @param k the 2-D kernel, {@code [kH, kW]}
     * @return the kernel turned by 180 degrees: {@code out[i][j] = k[kH-1-i][kW-1-j]}
     * @throws IllegalArgumentException if {@code k} is null or not rank 2
     */
    public static Tensor flip(Tensor k) {
        if (k == null || k.rank() != 2) {
            throw new IllegalArgumentException("flip: kernel must be a rank-2 tensor, got "
                    + (k == null ? "null" : java.util.Arrays.toString(k.shape())));
        }
        float[] v = k.toArray();
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[v.length - 1 - i] = v[i];
        }
        return Tensor.of(f, k.shape());
    }

    private static void check2d(String op, Tensor x, Tensor k) {
        if (x == null || k == null) {
            throw new IllegalArgumentException(op + ": " + (x == null ? "X" : "K") + " is null");
        }
        if (x.rank() != 2 || k.rank() != 2) {
            throw new IllegalArgumentException(op + ": X and K must be rank 2, got X "
                    + java.util.Arrays.toString(x.shape()) + " and K " + java.util.Arrays.toString(k.shape()));
        }
        if (k.dim(0) > x.dim(0) || k.dim(1) > x.dim(1)) {
            throw new IllegalArgumentException(op + ": kernel " + k.dim(0) + "x" + k.dim(1)
                    + " is larger than the input " + x.dim(0) + "x" + x.dim(1));
        }
    }

    /**
     * Number of threads every backend's CPU work uses (the java backend's pool, the cpu backend's loops
     * and OpenBLAS). Defaults to the system property {@code conv4j.threads}, else the number of
     * available processors.
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        return Parallel.threads();
    }

    /**
     * Sets the thread count for all backends from now on.
     *
     * <p>Safe at any time, from any thread, also while other threads compute: operations already running
     * finish on the threads they started with; operations started afterwards use {@code n}.
     *
     * <p><b>Interrupts.</b> conv4j operations are not interruptible. An operation whose calling thread is
     * interrupted (before or during the call) runs to completion and returns its result normally, and the
     * thread's interrupt status is still set when it returns, so the caller's next blocking call sees it. An
     * interrupt is thus honoured after at most one operation's time (milliseconds). No operation ever returns
     * or throws while a worker thread or a GPU kernel may still write into its result.
     *
     * @param n at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        Parallel.setThreads(n);
    }
}
