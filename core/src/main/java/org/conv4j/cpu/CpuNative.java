package org.conv4j.cpu;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of {@code native/include/conv4j/conv4j_cpu.h}: one Java method per C function, same
 * names, same meaning (see the header for the task protocol and the status codes).
 *
 * <p>Internal to the cpu backend: callers must pass validated descriptors and buffers of the right sizes.
 * The native side re-checks descriptors and task ranges and returns a status rather than writing out
 * of bounds, but it cannot know the length of a buffer. Two flavours per operation: native inputs
 * ({@link FloatPointer}) and heap inputs ({@code float[]}), the latter pinned for the duration of the
 * call with {@code GetPrimitiveArrayCritical} (no copy; the GC waits for the call).
 *
 * <p>Not loaded by class initialisation: {@link CpuBackend#create()} calls
 * {@code Loader.load(CpuNative.class)} and turns a failure into {@code BackendUnavailableException}.
 */
@Properties(inherit = org.bytedeco.openblas.presets.openblas.class,
        value = @Platform(include = {"conv4j/conv4j_types.h", "conv4j/conv4j_cpu.h"}, link = "conv4j_cpu"))
final class CpuNative {
    private CpuNative() {
    }

    static native int c4j_cpu_api_version();

    static native int c4j_cpu_features();

    static native void c4j_cpu_force_scalar(int force);

    static native int c4j_cpu_set_isa(int cap);

    static native int c4j_cpu_isa();

    static native int c4j_conv2d_impl_count(int direction);

    static native @Cast("const char*") BytePointer c4j_conv2d_impl_name(int direction, int index);

    static native int c4j_conv2d_impl_select(int[] desc, int direction);

    static native int c4j_conv2d_impl_applies(int[] desc, int direction, int index);

    static native int c4j_conv2d_impl_tasks(int[] desc, int direction, int index, int parts);

    static native int c4j_conv2d_forward_impl(int[] desc, int index, FloatPointer x, FloatPointer w, FloatPointer bias,
            FloatPointer y, int parts, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_forward_impl(int[] desc, int index, float[] x, float[] w, float[] bias, FloatPointer y,
            int parts, int taskBegin, int taskEnd);

    static native int c4j_conv2d_backward_data_impl(int[] desc, int index, FloatPointer dy, FloatPointer w,
            FloatPointer dx, int parts, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_backward_data_impl(int[] desc, int index, float[] dy, float[] w, FloatPointer dx,
            int parts, int taskBegin, int taskEnd);

    static native int c4j_conv2d_backward_weights_impl(int[] desc, int index, FloatPointer dy, FloatPointer x,
            FloatPointer dw, int parts, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_backward_weights_impl(int[] desc, int index, float[] dy, float[] x, FloatPointer dw,
            int parts, int taskBegin, int taskEnd);

    static native Pointer c4j_cpu_alloc(long bytes);

    static native void c4j_cpu_free(Pointer p);

    static native void c4j_cpu_set_blas_threads(int n);

    static native int c4j_cpu_blas_threads();

    static native @Cast("const char*") BytePointer c4j_cpu_blas_core_name();

    static native int c4j_conv2d_uses_winograd(int[] desc, int direction, int parts);

    static native int c4j_conv2d_forward_tasks(int[] desc, int parts);

    static native int c4j_conv2d_forward(int[] desc, FloatPointer x, FloatPointer w, FloatPointer bias, FloatPointer y,
            int parts, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_forward(int[] desc, float[] x, float[] w, float[] bias, FloatPointer y,
            int parts, int taskBegin, int taskEnd);

    static native int c4j_conv2d_backward_data_tasks(int[] desc, int parts);

    static native int c4j_conv2d_backward_data(int[] desc, FloatPointer dy, FloatPointer w, FloatPointer dx,
            int parts, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_backward_data(int[] desc, float[] dy, float[] w, FloatPointer dx,
            int parts, int taskBegin, int taskEnd);

    static native int c4j_conv2d_backward_weights_tasks(int[] desc, int parts);

    static native int c4j_conv2d_backward_weights(int[] desc, FloatPointer dy, FloatPointer x, FloatPointer dw,
            int parts, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_backward_weights(int[] desc, float[] dy, float[] x, FloatPointer dw,
            int parts, int taskBegin, int taskEnd);

    static native int c4j_conv2d_backward_bias(int n, int c, int hw, FloatPointer dy, FloatPointer db,
            int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_conv2d_backward_bias(int n, int c, int hw, float[] dy, FloatPointer db,
            int taskBegin, int taskEnd);

    static native int c4j_pool2d_tasks(int[] desc);

    static native int c4j_max_pool2d_forward(int[] desc, FloatPointer x, FloatPointer y, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_max_pool2d_forward(int[] desc, float[] x, FloatPointer y, int taskBegin, int taskEnd);

    static native int c4j_max_pool2d_backward(int[] desc, FloatPointer dy, FloatPointer x, FloatPointer dx,
            int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_max_pool2d_backward(int[] desc, float[] dy, float[] x, FloatPointer dx,
            int taskBegin, int taskEnd);

    static native int c4j_avg_pool2d_forward(int[] desc, FloatPointer x, FloatPointer y, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_avg_pool2d_forward(int[] desc, float[] x, FloatPointer y, int taskBegin, int taskEnd);

    static native int c4j_avg_pool2d_backward(int[] desc, FloatPointer dy, FloatPointer dx, int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_avg_pool2d_backward(int[] desc, float[] dy, FloatPointer dx, int taskBegin, int taskEnd);

    // Indices travel as Java int[] inside a critical region (GetPrimitiveArrayCritical: no copy), in both
    // overloads: the kernels write or read them in place, so a call needs no native int32 block (fresh pages
    // per call) and no copy between it and the heap. A task range touches only its own planes.
    @CriticalRegion
    static native int c4j_max_pool2d_forward_indices(int[] desc, FloatPointer x, FloatPointer y, int[] idx,
            int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_max_pool2d_forward_indices(int[] desc, float[] x, FloatPointer y, int[] idx,
            int taskBegin, int taskEnd);

    static native int c4j_index_tasks(int[] idesc);

    @CriticalRegion
    static native int c4j_max_pool2d_backward_indices(int[] idesc, FloatPointer dy, int[] idx, FloatPointer dx,
            int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_max_pool2d_backward_indices(int[] idesc, float[] dy, int[] idx, FloatPointer dx,
            int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_max_unpool2d(int[] idesc, FloatPointer x, int[] idx, FloatPointer y, int taskBegin,
            int taskEnd);

    @CriticalRegion
    static native int c4j_max_unpool2d(int[] idesc, float[] x, int[] idx, FloatPointer y, int taskBegin,
            int taskEnd);

    static native int c4j_adaptive_pool2d_tasks(int[] adesc);

    static native int c4j_adaptive_avg_pool2d_forward(int[] adesc, FloatPointer x, FloatPointer y, int taskBegin,
            int taskEnd);

    @CriticalRegion
    static native int c4j_adaptive_avg_pool2d_forward(int[] adesc, float[] x, FloatPointer y, int taskBegin,
            int taskEnd);

    static native int c4j_adaptive_avg_pool2d_backward(int[] adesc, FloatPointer dy, FloatPointer dx, int taskBegin,
            int taskEnd);

    @CriticalRegion
    static native int c4j_adaptive_avg_pool2d_backward(int[] adesc, float[] dy, FloatPointer dx, int taskBegin,
            int taskEnd);

    static native int c4j_adaptive_max_pool2d_forward(int[] adesc, FloatPointer x, FloatPointer y, IntPointer idx,
            int taskBegin, int taskEnd);

    @CriticalRegion
    static native int c4j_adaptive_max_pool2d_forward(int[] adesc, float[] x, FloatPointer y, IntPointer idx,
            int taskBegin, int taskEnd);
}
