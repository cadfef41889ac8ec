package org.conv4j.bench.onednn;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

/**
 * The one oneDNN CPU engine and stream of this JVM (oneDNN 3.11 through {@code org.bytedeco:dnnl}). The first
 * {@link #init(int)} loads the library and sets oneDNN's OpenMP thread count <em>before</em> any primitive
 * exists, because oneDNN fixes a primitive's thread count when it is created.
 */
public final class OneDnn {
    private static engine eng;
    private static stream strm;
    private static int threads;

    private OneDnn() {
    }

    /**
     * Loads oneDNN, sets its OpenMP threads to {@code n} and creates the engine and stream; later calls
     * must ask for the same count.
     *
     * @throws IllegalStateException if oneDNN was already initialised with another count, or OpenMP did not take it
     */
    public static synchronized void init(int n) {
        if (eng != null) {
            if (n != threads) {
                throw new IllegalStateException("oneDNN already runs with " + threads + " threads, asked for " + n);
            }
            return;
        }
        Loader.load(dnnl.class);
        NativeThreads.setOmpThreads(n);
        int got = NativeThreads.ompMaxThreads();
        if (got != n) {
            throw new IllegalStateException("omp_set_num_threads(" + n + ") left omp_get_max_threads() = " + got);
        }
        eng = new engine(engine.kind.cpu, 0);
        strm = new stream(eng);
        threads = n;
    }

    static engine engine() {
        return check(eng);
    }

    static stream stream() {
        return check(strm);
    }

    private static <T> T check(T t) {
        if (t == null) {
            throw new IllegalStateException("OneDnn.init(threads) was not called");
        }
        return t;
    }

    /** oneDNN version and the instruction set its kernels use here, e.g. "3.11.0 avx512_core". */
    public static String describe() {
        org.bytedeco.dnnl.dnnl_version_t v = dnnl.dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch() + ", ISA " + dnnl.get_effective_cpu_isa()
                + ", OpenMP threads " + NativeThreads.ompMaxThreads();
    }

    /** Whether the widest kernels here are AVX-512 (then oneDNN's activation block is 16 channels, else 8). */
    static boolean avx512() {
        return dnnl.get_effective_cpu_isa().toString().startsWith("avx512")
                || dnnl.get_effective_cpu_isa().toString().startsWith("avx10");
    }

    /** A plain f32 descriptor of the given dims and format tag. */
    static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** Copies {@code data} into the (plain-layout) memory {@code m}. */
    static void write(memory m, float[] data) {
        FloatPointer p = new FloatPointer(m.get_data_handle());
        p.capacity(data.length).put(data);
    }

    /** Copies {@code size} floats out of the (plain-layout) memory {@code m}. */
    static float[] read(memory m, int size) {
        float[] out = new float[size];
        new FloatPointer(m.get_data_handle()).capacity(size).get(out);
        return out;
    }

    /** Reorders {@code from} into {@code to} once and waits (setup and verification, not timed). */
    static void reorderNow(memory from, memory to) {
        new org.bytedeco.dnnl.reorder(from, to).execute(stream(), from, to);
        stream()._wait();
    }
}
