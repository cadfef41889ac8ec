package org.conv4j.cpu;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.conv4j.Tensor;
import org.conv4j.internal.Parallel;
import org.conv4j.spi.TensorAccess;

/**
 * Runs one native operation of the cpu backend: allocates its native result, hands the inputs to the kernel
 * (pinned heap arrays or native pointers, see {@link CpuBackend}), runs the kernel's task range on conv4j's
 * pool, and frees the result if anything fails. Written once for every operation.
 */
final class NativeTasks {
    /** Work of one parallel chunk worth handing to another thread (about 20 microseconds on one core). */
    private static final double MIN_CHUNK_FLOPS = 2e6;

    private NativeTasks() {
    }

    /**
     * A native kernel over tasks {@code [from, to)}, reading inputs of type {@code A} (a pinned {@code float[]}
     * or a {@link FloatPointer}; JavaCPP binds both) and writing {@code out}; returns the C status.
     *
     * @param <A> how inputs reach native code
     */
    @FunctionalInterface
    interface Kernel<A> {
        /**
         * Runs the tasks.
         *
         * @param in   the inputs in the order given to {@link #run}; null where the tensor was null
         * @param out  the result
         * @param from first task
         * @param to   one past the last task
         * @return the C status ({@code C4J_OK} is 0)
         */
        int run(A[] in, FloatPointer out, int from, int to);
    }

    /**
     * Runs {@code tasks} tasks of an operation into a fresh native block of {@code outLength} floats.
     *
     * @param op        the operation's name, for messages
     * @param what      the validated geometry (or a shape), for messages
     * @param outLength floats in the result
     * @param tasks     the native plan's task count (from a {@code c4j_*_tasks} call)
     * @param work      the operation's work in flops, which decides how many threads are worth it
     * @param pin       whether all-heap inputs are pinned (true) or copied to native memory (false)
     * @param ins       the inputs (elements may be null)
     * @param onArrays  the kernel bound to pinned heap arrays
     * @param onPointer the kernel bound to native pointers
     * @return the result, owned by the caller
     */
    static NativeStorage run(String op, Object what, int outLength, int tasks, double work, boolean pin,
                             Tensor[] ins, Kernel<float[]> onArrays, Kernel<FloatPointer> onPointer) {
        if (tasks < 1) {
            throw new IllegalStateException(op + ": the native library refused the validated geometry " + what);
        }
        NativeStorage out = NativeStorage.allocate(outLength);
        try {
            FloatPointer o = out.pointer();
            if (pin && allOnHeap(ins)) {
                float[][] a = new float[ins.length][];
                for (int i = 0; i < ins.length; i++) {
                    a[i] = ins[i] == null ? null : TensorAccess.storage(ins[i]).heapArray();
                }
                forTasks(op, what, tasks, work, (from, to) -> onArrays.run(a, o, from, to));
            } else {
                List<FloatPointer> copies = new ArrayList<>(ins.length);
                try {
                    FloatPointer[] p = new FloatPointer[ins.length];
                    for (int i = 0; i < ins.length; i++) {
                        p[i] = pointer(ins[i], copies);
                    }
                    forTasks(op, what, tasks, work, (from, to) -> onPointer.run(p, o, from, to));
                } finally {
                    copies.forEach(FloatPointer::close);
                }
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    private static boolean allOnHeap(Tensor[] ins) {
        for (Tensor t : ins) {
            if (t != null && TensorAccess.storage(t).heapArray() == null) {
                return false;
            }
        }
        return true;
    }

    /** A native tensor's own pointer, or a native copy of any other tensor (recorded in {@code copies}). */
    private static FloatPointer pointer(Tensor t, List<FloatPointer> copies) {
        if (t == null) {
            return null;
        }
        if (TensorAccess.storage(t) instanceof NativeStorage) {
            return ((NativeStorage) TensorAccess.storage(t)).pointer();
        }
        float[] a = TensorAccess.storage(t).heapArray();
        FloatPointer p = new FloatPointer(a != null ? a : t.toArray());
        copies.add(p);
        return p;
    }

    /** The status-returning task body of one chunk. */
    @FunctionalInterface
    private interface Chunk {
        int run(int from, int to);
    }

    /** Runs tasks [0, tasks) on conv4j's pool in chunks of at least MIN_CHUNK_FLOPS work each. */
    private static void forTasks(String op, Object what, int tasks, double work, Chunk body) {
        int maxChunks = (int) Math.max(1, Math.min(tasks, work / MIN_CHUNK_FLOPS));
        int grain = Math.max(1, tasks / maxChunks);
        Parallel.forRange(tasks, grain, (from, to) -> check(op, what, body.run(from, to)));
    }

    private static void check(String op, Object what, int status) {
        switch (status) {
            case 0:
                return;
            case 3:
                throw new OutOfMemoryError(op + ": native workspace allocation failed for " + what);
            default:
                throw new IllegalStateException(op + ": native status " + status + " for the validated geometry "
                        + what + " (a conv4j bug; please report it)");
        }
    }
}
