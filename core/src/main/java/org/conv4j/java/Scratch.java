package org.conv4j.java;

/**
 * Per-thread reusable buffers of the Java backend: no allocation inside hot loops, and bounded memory.
 *
 * <p>Each conv4j worker (and each calling thread) keeps one instance. Buffers grow to the largest block
 * requested; blocks are bounded by {@link #blockFloats} (callers chunk their work to fit), and a buffer
 * that grew beyond it for a single huge row is dropped after use by {@link #trim()}.
 */
final class Scratch {
    /** Default target size of one column block in floats (8 MiB). */
    static final int DEFAULT_BLOCK_FLOATS = 2 * 1024 * 1024;

    /**
     * Target size of one column block in floats: callers chunk im2col to stay within it. Not final only so
     * that tests can shrink it to exercise the chunking on small shapes.
     */
    static volatile int blockFloats = DEFAULT_BLOCK_FLOATS;

    /** Default of {@link #serialMacs}. */
    static final long DEFAULT_SERIAL_MACS = 1L << 18;

    /**
     * Multiply-adds below which a convolution runs on the calling thread (a hand-off costs more). Not final
     * only so that tests can set it to 0 to run small shapes multi-threaded.
     */
    static volatile long serialMacs = DEFAULT_SERIAL_MACS;

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    final Gemm.Workspace gemm = new Gemm.Workspace();
    /** The column operand of the block being computed (see {@link ColumnBlock}). */
    final ColumnBlock columns = new ColumnBlock();
    private float[] col = new float[0];
    private float[] aux = new float[0];

    /** Threads worth using for a convolution of {@code macs} multiply-adds: 1 if small, else the knob. */
    static int threadsFor(double macs) {
        return macs < serialMacs ? 1 : org.conv4j.internal.Parallel.threads();
    }

    static Scratch get() {
        return LOCAL.get();
    }

    /** A buffer of at least {@code n} floats for column matrices (contents undefined). */
    float[] col(int n) {
        if (col.length < n) {
            col = new float[n];
        }
        return col;
    }

    /** A second buffer of at least {@code n} floats (gathered dY or GEMM output; contents undefined). */
    float[] aux(int n) {
        if (aux.length < n) {
            aux = new float[n];
        }
        return aux;
    }

    /** Drops buffers larger than the block budget so one odd call cannot pin memory forever. */
    void trim() {
        if (col.length > 2 * Math.max(blockFloats, DEFAULT_BLOCK_FLOATS)) {
            col = new float[0];
        }
        if (aux.length > 2 * Math.max(blockFloats, DEFAULT_BLOCK_FLOATS)) {
            aux = new float[0];
        }
    }
}
