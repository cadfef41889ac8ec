/*
 * conv4j cuda backend: C API over the CUDA kernels, usable without Java (ctypes, C, C++).
 *
 * Memory: every tensor argument of an operation is a DEVICE pointer (from c4j_cuda_alloc or any cudaMalloc'ed
 * buffer) to float32 NCHW data laid out as described in conv4j_types.h. Outputs are fully overwritten (no
 * accumulation). Descriptors (int32 arrays, C4J_CONV_* / C4J_POOL_*) live in HOST memory.
 *
 * Errors: every function returns a c4j_status. C4J_ERR_DEVICE means a CUDA call failed; C4J_ERR_OUT_OF_MEMORY a
 * device allocation failed (nothing was allocated or written). c4j_cuda_last_error() then returns a message of
 * the calling thread naming the operation and the CUDA error, e.g.
 * "conv2d_forward: cudaErrorIllegalAddress (an illegal memory access was encountered)".
 *
 * Streams and synchronisation: the library is built with the per-thread default stream; each host thread's work
 * is ordered on its own stream, and every operation synchronises that stream before it returns, so an error is
 * reported by the operation that caused it and outputs are ready to read. Functions may be called from several
 * threads at once.
 *
 * Determinism: every operation gives identical bits on every run on the same GPU model (no floating-point
 * atomics; backward-weights splits its reduction in a fixed, shape-determined way).
 */
#ifndef CONV4J_CUDA_H
#define CONV4J_CUDA_H

#include <stdint.h>

#include "conv4j/conv4j_types.h"

#if defined(_WIN32)
#define C4J_CUDA_API __declspec(dllexport)
#else
#define C4J_CUDA_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The calling thread's message for its last failed call ("" if none). Valid until the thread's next call. */
C4J_CUDA_API const char* c4j_cuda_last_error(void);

/* The numeric cudaError_t of the calling thread's last failed CUDA call (0 if none). */
C4J_CUDA_API int32_t c4j_cuda_last_cuda_error(void);

/* Number of usable devices in *count. Without a driver: C4J_ERR_DEVICE and cudaErrorInsufficientDriver (35). */
C4J_CUDA_API int32_t c4j_cuda_device_count(int32_t* count);

/* Makes `device` current for the calling thread and creates its context; name (NUL-terminated) into buf. */
C4J_CUDA_API int32_t c4j_cuda_init(int32_t device, char* name_buf, int32_t name_len);

/* Allocates `count` floats (count >= 1) of device memory; *out receives the device address. */
C4J_CUDA_API int32_t c4j_cuda_alloc(int64_t count, float** out);

/* Frees device memory from c4j_cuda_alloc; NULL is a no-op. */
C4J_CUDA_API int32_t c4j_cuda_free(float* p);

/* Copies `count` floats host -> device / device -> host / device -> device. */
C4J_CUDA_API int32_t c4j_cuda_upload(float* dst_device, const float* src_host, int64_t count);
C4J_CUDA_API int32_t c4j_cuda_download(float* dst_host, const float* src_device, int64_t count);
C4J_CUDA_API int32_t c4j_cuda_copy(float* dst_device, const float* src_device, int64_t count);

/* y = conv(x, w) + bias; bias may be NULL. */
C4J_CUDA_API int32_t c4j_cuda_conv2d_forward(const int32_t* desc, const float* x, const float* w, const float* bias,
                                             float* y);

/* dx = gradient of the forward with respect to x, given dy. */
C4J_CUDA_API int32_t c4j_cuda_conv2d_backward_data(const int32_t* desc, const float* dy, const float* w, float* dx);

/* dw = gradient with respect to w; uses a cached per-thread workspace (see c4j_cuda_release_workspace). */
C4J_CUDA_API int32_t c4j_cuda_conv2d_backward_weights(const int32_t* desc, const float* dy, const float* x, float* dw);

/* db[c] = sum of dy[n, c, :, :] over n, h, w for dy of shape [n, c, h, w]. */
C4J_CUDA_API int32_t c4j_cuda_conv2d_backward_bias(int32_t n, int32_t c, int32_t h, int32_t w, const float* dy,
                                                   float* db);

C4J_CUDA_API int32_t c4j_cuda_max_pool2d_forward(const int32_t* desc, const float* x, float* y);
/* dx of max pooling: each dy goes to the first maximum of its window (row-major), recomputed from x. */
C4J_CUDA_API int32_t c4j_cuda_max_pool2d_backward(const int32_t* desc, const float* dy, const float* x, float* dx);
C4J_CUDA_API int32_t c4j_cuda_avg_pool2d_forward(const int32_t* desc, const float* x, float* y);
C4J_CUDA_API int32_t c4j_cuda_avg_pool2d_backward(const int32_t* desc, const float* dy, float* dx);

/*
 * Max pooling with indices and the operations driven by them. x, y, dy, dx are device memory; the indices are
 * HOST memory (int32, one per pooled value; the public API keeps them on the Java heap), copied by the call.
 * Indices read by a call are checked on the host first: one outside its plane gives C4J_ERR_BAD_INDEX and
 * nothing is launched.
 */
C4J_CUDA_API int32_t c4j_cuda_max_pool2d_forward_indices(const int32_t* desc, const float* x, float* y,
                                                         int32_t* idx_host);
/* idesc: C4J_IDX_*. dx = 0, then dx[idx[k]] += dy[k] (atomic adds: shared maxima may sum in any order). */
C4J_CUDA_API int32_t c4j_cuda_max_pool2d_backward_indices(const int32_t* idesc, const float* dy,
                                                          const int32_t* idx_host, float* dx);
/* y = 0, then y[idx[k]] = x[k]; the largest k pointing at an element wins (deterministic). */
C4J_CUDA_API int32_t c4j_cuda_max_unpool2d(const int32_t* idesc, const float* x, const int32_t* idx_host, float* y);
/* Adaptive pooling, adesc: C4J_APOOL_*. idx_host of the max may be NULL. */
C4J_CUDA_API int32_t c4j_cuda_adaptive_avg_pool2d_forward(const int32_t* adesc, const float* x, float* y);
C4J_CUDA_API int32_t c4j_cuda_adaptive_avg_pool2d_backward(const int32_t* adesc, const float* dy, float* dx);
C4J_CUDA_API int32_t c4j_cuda_adaptive_max_pool2d_forward(const int32_t* adesc, const float* x, float* y,
                                                          int32_t* idx_host);

/* Bytes of backward-weights workspace this shape needs (0 when it does not split); -1 for a bad descriptor. */
C4J_CUDA_API int64_t c4j_cuda_backward_weights_workspace_bytes(const int32_t* desc);

/* Frees the calling thread's cached workspace now (it is also freed when the thread exits). */
C4J_CUDA_API int32_t c4j_cuda_release_workspace(void);

#ifdef __cplusplus
}
#endif

#endif /* CONV4J_CUDA_H */
