/*
 * conv4j cpu backend: C API of the C++ kernels (im2col + OpenBLAS sgemm, direct kernels, pooling).
 *
 * Every operation takes an int32 descriptor (conv4j_types.h), re-checks it, and returns a c4j_status;
 * on any status other than C4J_OK nothing was written. No C++ exception crosses this boundary.
 *
 * Work splitting: each operation is divided into independent tasks that write disjoint parts of the
 * output. c4j_*_tasks(desc, parts) says how many tasks a call has when the caller wants to run it on
 * `parts` threads; the operation itself then runs tasks [task_begin, task_end) of that same plan, so a
 * caller (the Java side, through its one bounded thread pool) can run disjoint ranges on different
 * threads at once. One call with [0, tasks) does the whole operation. The caller must pass the same
 * `parts` to the count and to the operation.
 *
 * Layouts: float32 NCHW, row-major; see conv4j_types.h. Pointers must not alias an output.
 */
#ifndef CONV4J_CPU_H
#define CONV4J_CPU_H

#include <stdint.h>

#include "conv4j_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of c4j_cpu_features(). */
#define C4J_CPU_AVX2_FMA 1 /* the AVX2+FMA pooling kernels are in use */
#define C4J_CPU_AVX512 2   /* the AVX-512 kernels (Winograd, implicit GEMM, whole-plane pooling) are in use */
#define C4J_CPU_NEON 4     /* the NEON kernels (aarch64: small GEMM, Winograd tile transforms) are in use */

/* Version of this C API (bumped on incompatible change; 5: the Winograd mode moved from c4j_cpu_set_winograd
 * into each descriptor, C4J_CONV_ALGO). */
int c4j_cpu_api_version(void);

/*
 * Native memory for results: at least `bytes` bytes on a 64-byte boundary (whole cache lines, so kernels
 * may write them with streaming stores); NULL when bytes < 1 or the allocation fails. Not initialised.
 * Release it with c4j_cpu_free (NULL is ignored), never with free().
 */
void *c4j_cpu_alloc(int64_t bytes);
void c4j_cpu_free(void *p);

/* Which optional kernels are in use (C4J_CPU_* bits), after CPUID and c4j_cpu_force_scalar. */
int c4j_cpu_features(void);

/* Non-zero: use the portable scalar kernels even where AVX2, AVX-512 or NEON is available (for tests);
 * the same as c4j_cpu_set_isa(C4J_ISA_SCALAR), zero as c4j_cpu_set_isa(C4J_ISA_AUTO). */
void c4j_cpu_force_scalar(int force);

/*
 * The widest instruction set every cpu kernel, and the choice among them, may use: C4J_ISA_AUTO (the default:
 * whatever CPUID reports), C4J_ISA_AVX512, C4J_ISA_AVX2 (AVX2 + FMA, no AVX-512), C4J_ISA_NEON (aarch64) or
 * C4J_ISA_SCALAR (the portable kernels). A cap above what the CPU has runs what the CPU has; a cap naming
 * another architecture's family leaves only the portable kernels (NEON on x86-64, AVX on arm64). Process-wide,
 * for tests and benchmarks: change it only while no operation runs (a task count and its operation must see one
 * cap). Returns C4J_OK, or C4J_ERR_BAD_DESCRIPTOR for an unknown value (nothing changed).
 */
#define C4J_ISA_SCALAR 0
#define C4J_ISA_AVX2 1
#define C4J_ISA_AVX512 2
#define C4J_ISA_NEON 3
#define C4J_ISA_AUTO 100
int c4j_cpu_set_isa(int cap);

/* The cap as set (C4J_ISA_AUTO by default). */
int c4j_cpu_isa_cap(void);

/* The widest C4J_ISA_* in use now: the cap lowered to what the CPU supports (never C4J_ISA_AUTO). */
int c4j_cpu_isa(void);

/*
 * Threads OpenBLAS itself may use for one sgemm call. conv4j splits GEMMs into tasks and runs them
 * on its own bounded pool, so it sets this to 1; see native/README.md.
 */
void c4j_cpu_set_blas_threads(int n);

/* OpenBLAS's thread count as seen by the library conv4j's sgemm calls are bound to. */
int c4j_cpu_blas_threads(void);

/* The kernel family OpenBLAS chose at load time (openblas_get_corename, e.g. "SkylakeX", "Haswell");
 * a static string owned by OpenBLAS. See conv4j_blas_core.h for how conv4j influences the choice. */
const char *c4j_cpu_blas_core_name(void);

/*
 * Winograd F(2x2, 3x3) for 3x3, stride-1, undilated convolutions (forward and backward data), and F(3x3, 2x2)
 * for their weight gradient (see native/README.md and docs/accuracy.md), chosen per call by the descriptor's
 * C4J_CONV_ALGO field (conv4j_types.h): C4J_WINOGRAD_OFF (0) never, so every output is a float32 sum of its
 * exact products (error <= (m + 1) u sum |term|); C4J_WINOGRAD_AUTO where it measured faster than im2col +
 * GEMM; C4J_WINOGRAD_ALWAYS wherever it applies (3x3, stride 1, dilation 1 and enough summed products: at
 * least 8 channels per group, input channels forward, output channels backward data; at least 64 output
 * positions n * hout * wout for the weight gradient). Winograd's error is bounded by the tile's magnitudes
 * instead (forward: 4 (C + 12) u (sum over channels of sum |x tile| * sum |w| + |bias|)). Any other value
 * makes the descriptor invalid. There is no process-wide mode: calls with different modes may run at once.
 */
#define C4J_WINOGRAD_OFF 0
#define C4J_WINOGRAD_AUTO 1
#define C4J_WINOGRAD_ALWAYS 2

/*
 * Convolution implementation lists (native/src/conv/conv_impl_list.cpp), one per direction
 * (C4J_CONV_FORWARD, C4J_CONV_BACKWARD_DATA, C4J_CONV_BACKWARD_WEIGHTS), in preference order. The operations
 * without an index take the first entry that picks the geometry under the current ISA cap and Winograd mode;
 * the *_impl forms run entry `index` (-1: that choice) and refuse, with C4J_ERR_BAD_DESCRIPTOR and nothing
 * written, an entry that does not apply. Names are static strings, e.g. "winograd_f2x3__avx512",
 * "igemm_rows__avx512", "im2col_sgemm".
 */
#define C4J_CONV_FORWARD 0
#define C4J_CONV_BACKWARD_DATA 1
#define C4J_CONV_BACKWARD_WEIGHTS 2
int c4j_conv2d_impl_count(int direction);
/* NULL for an index or direction out of range. */
const char *c4j_conv2d_impl_name(int direction, int index);
/* The index the list picks now; -1 for a bad descriptor or direction. */
int c4j_conv2d_impl_select(const int32_t *desc, int direction);
/* 1 when entry `index` can compute this convolution under the current ISA cap, else 0. */
int c4j_conv2d_impl_applies(const int32_t *desc, int direction, int index);
/* Tasks of entry `index` (-1: the chosen one) cut for `parts` threads; 0 when it does not apply. */
int c4j_conv2d_impl_tasks(const int32_t *desc, int direction, int index, int parts);
int c4j_conv2d_forward_impl(const int32_t *desc, int index, const float *x, const float *w, const float *bias,
                            float *y, int parts, int task_begin, int task_end);
int c4j_conv2d_backward_data_impl(const int32_t *desc, int index, const float *dy, const float *w, float *dx,
                                  int parts, int task_begin, int task_end);
int c4j_conv2d_backward_weights_impl(const int32_t *desc, int index, const float *dy, const float *x, float *dw,
                                     int parts, int task_begin, int task_end);

/* 1 when a convolution with this descriptor, cut for `parts` threads, runs the Winograd path now in
 * `direction` (0 forward, 1 backward data, 2 backward weights); 0 otherwise, for another direction or for a
 * bad descriptor. */
int c4j_conv2d_uses_winograd(const int32_t *desc, int direction, int parts);

/* Convolution forward: y = x (*) w + bias. bias may be NULL. */
int c4j_conv2d_forward_tasks(const int32_t *desc, int parts);
int c4j_conv2d_forward(const int32_t *desc, const float *x, const float *w, const float *bias, float *y,
                       int parts, int task_begin, int task_end);

/* Convolution backward data: dx = dy (*)^T w. */
int c4j_conv2d_backward_data_tasks(const int32_t *desc, int parts);
int c4j_conv2d_backward_data(const int32_t *desc, const float *dy, const float *w, float *dx,
                             int parts, int task_begin, int task_end);

/* Convolution backward weights: dw = sum over the batch of dy x im2col(x)^T. */
int c4j_conv2d_backward_weights_tasks(const int32_t *desc, int parts);
int c4j_conv2d_backward_weights(const int32_t *desc, const float *dy, const float *x, float *dw,
                                int parts, int task_begin, int task_end);

/* Bias gradient: db[c] = sum over n, h, w of dy[n, c, h, w]. One task per channel (tasks = c). */
int c4j_conv2d_backward_bias(int32_t n, int32_t c, int32_t hw, const float *dy, float *db,
                             int task_begin, int task_end);

/* Pooling: one task per (image, channel) plane (tasks = n * c). */
int c4j_pool2d_tasks(const int32_t *desc);
int c4j_max_pool2d_forward(const int32_t *desc, const float *x, float *y, int task_begin, int task_end);
int c4j_max_pool2d_backward(const int32_t *desc, const float *dy, const float *x, float *dx,
                            int task_begin, int task_end);
int c4j_avg_pool2d_forward(const int32_t *desc, const float *x, float *y, int task_begin, int task_end);
int c4j_avg_pool2d_backward(const int32_t *desc, const float *dy, float *dx, int task_begin, int task_end);

/* Max pooling that also stores, per output, the flat offset row * W + column of its window's first maximum in
 * its input plane (the same argmax as c4j_max_pool2d_backward). One task per plane (c4j_pool2d_tasks). */
int c4j_max_pool2d_forward_indices(const int32_t *desc, const float *x, float *y, int32_t *idx, int task_begin,
                                   int task_end);

/* Operations on saved indices (index descriptor, C4J_IDX_*): one task per (image, channel) plane. */
int c4j_index_tasks(const int32_t *idesc);
/* dx (big planes) = 0, then dx[idx[k]] += dy[k] in order k. */
int c4j_max_pool2d_backward_indices(const int32_t *idesc, const float *dy, const int32_t *idx, float *dx,
                                    int task_begin, int task_end);
/* y (big planes) = 0, then y[idx[k]] = x[k] in order k (the last wins). */
int c4j_max_unpool2d(const int32_t *idesc, const float *x, const int32_t *idx, float *y, int task_begin,
                     int task_end);

/* Adaptive pooling (adaptive descriptor, C4J_APOOL_*): one task per plane. */
int c4j_adaptive_pool2d_tasks(const int32_t *adesc);
int c4j_adaptive_avg_pool2d_forward(const int32_t *adesc, const float *x, float *y, int task_begin, int task_end);
int c4j_adaptive_avg_pool2d_backward(const int32_t *adesc, const float *dy, float *dx, int task_begin, int task_end);
/* idx may be NULL when the indices are not wanted. */
int c4j_adaptive_max_pool2d_forward(const int32_t *adesc, const float *x, float *y, int32_t *idx, int task_begin,
                                    int task_end);

#ifdef __cplusplus
}
#endif

#endif /* CONV4J_CPU_H */
