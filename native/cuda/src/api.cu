// The C API of conv4j_cuda.h: argument checks, error reporting, memory, workspace; kernels are in kernels.cu.
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <initializer_list>
#include <utility>

#include <cuda_runtime.h>

#include "conv4j/conv4j_cuda.h"
#include "launch.hpp"

using namespace c4j::cuda;

namespace {

/* Last error of this thread: a message naming the operation and the CUDA error, and the cudaError_t. */
thread_local char t_message[512] = "";
thread_local int t_cuda_error = 0;

int32_t fail(const char* op, int32_t status, const char* what) {
    snprintf(t_message, sizeof t_message, "%s: %s", op, what);
    t_cuda_error = 0;
    return status;
}

/* Records a CUDA error; a failed allocation becomes C4J_ERR_OUT_OF_MEMORY, anything else C4J_ERR_DEVICE. */
int32_t cuda_fail(const char* op, cudaError_t e) {
    snprintf(t_message, sizeof t_message, "%s: %s (%s)", op, cudaGetErrorName(e), cudaGetErrorString(e));
    t_cuda_error = (int)e;
    if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError();  // not sticky: clear it so the next call on this thread starts clean
        return C4J_ERR_OUT_OF_MEMORY;
    }
    return C4J_ERR_DEVICE;
}

int32_t ok() {
    t_message[0] = '\0';
    t_cuda_error = 0;
    return C4J_OK;
}

/* The device chosen by c4j_cuda_init (0 by default), made current on each thread before its first call. */
int g_device = 0;
thread_local int t_device = -1;

cudaError_t use_device() {
    if (t_device == g_device) return cudaSuccess;
    cudaError_t e = cudaSetDevice(g_device);
    if (e == cudaSuccess) t_device = g_device;
    return e;
}

/* Ends an operation: the launch error if any, else the error of the work itself. Synchronises in both cases:
 * after a failed launch, kernels launched before it in the same operation may still be writing buffers that the
 * caller frees as soon as it sees the failure. */
int32_t finish(const char* op, cudaError_t launch) {
    cudaError_t e = cudaStreamSynchronize(cudaStreamPerThread);
    if (launch != cudaSuccess) return cuda_fail(op, launch);
    return e == cudaSuccess ? ok() : cuda_fail(op, e);
}

/* Backward-weights workspace, cached per thread and grown on demand; freed when the thread exits. */
struct Workspace {
    float* p = nullptr;
    size_t bytes = 0;
    void release() {
        if (p) cudaFree(p);  // at process exit the runtime may be gone already; nothing to report then
        p = nullptr;
        bytes = 0;
    }
    ~Workspace() { release(); }
};
thread_local Workspace t_workspace;

bool conv_ok(const char* op, const int32_t* desc, ConvDims& d, int32_t& status) {
    if (!desc) {
        status = fail(op, C4J_ERR_NULL_POINTER, "descriptor is NULL");
        return false;
    }
    d = conv_dims(desc);
    if (!conv_dims_ok(d)) {
        char b[400];
        snprintf(b, sizeof b,
                 "inconsistent convolution descriptor [n=%d cin=%d h=%d w=%d cout=%d kh=%d kw=%d stride=%d,%d "
                 "pad=%d,%d,%d,%d dilation=%d,%d groups=%d out=%dx%d]",
                 d.n, d.cin, d.h, d.w, d.cout, d.kh, d.kw, d.sh, d.sw, d.pt, d.pb, d.pl, d.pr, d.dh, d.dw, d.groups,
                 d.hout, d.wout);
        status = fail(op, C4J_ERR_BAD_DESCRIPTOR, b);
        return false;
    }
    return true;
}

bool pool_ok(const char* op, const int32_t* desc, PoolDims& p, int32_t& status) {
    if (!desc) {
        status = fail(op, C4J_ERR_NULL_POINTER, "descriptor is NULL");
        return false;
    }
    p = pool_dims(desc);
    if (!pool_dims_ok(p)) {
        char b[300];
        snprintf(b, sizeof b,
                 "inconsistent pooling descriptor [n=%d c=%d h=%d w=%d k=%dx%d stride=%d,%d pad=%d,%d out=%dx%d "
                 "count_include_pad=%d]",
                 p.n, p.c, p.h, p.w, p.kh, p.kw, p.sh, p.sw, p.ph, p.pw, p.hout, p.wout, p.count_include_pad);
        status = fail(op, C4J_ERR_BAD_DESCRIPTOR, b);
        return false;
    }
    return true;
}

/* A device block freed on scope exit (temporaries of one call: indices, unpooling owners). */
struct DeviceInts {
    int* p = nullptr;
    cudaError_t alloc(int64_t count) { return cudaMalloc(&p, (size_t)count * sizeof(int)); }
    ~DeviceInts() {
        if (p) cudaFree(p);
    }
};

bool index_ok(const char* op, const int32_t* desc, IndexDims& d, int32_t& status) {
    if (!desc) {
        status = fail(op, C4J_ERR_NULL_POINTER, "descriptor is NULL");
        return false;
    }
    d = index_dims(desc);
    if (!index_dims_ok(d)) {
        char b[200];
        snprintf(b, sizeof b, "inconsistent index descriptor [n=%d c=%d small=%dx%d big=%dx%d]", d.n, d.c, d.hs,
                 d.ws, d.hb, d.wb);
        status = fail(op, C4J_ERR_BAD_DESCRIPTOR, b);
        return false;
    }
    return true;
}

/* Host-side check of every index before it reaches the device: none may leave its [hb, wb] plane. */
bool indices_in_range(const char* op, const IndexDims& d, const int32_t* idx, int32_t& status) {
    const int64_t count = (int64_t)d.n * d.c * d.hs * d.ws, plane = (int64_t)d.hb * d.wb;
    for (int64_t k = 0; k < count; k++) {
        if (idx[k] < 0 || idx[k] >= plane) {
            char b[200];
            snprintf(b, sizeof b, "indices[%lld] = %d is outside the %dx%d plane", (long long)k, idx[k], d.hb, d.wb);
            status = fail(op, C4J_ERR_BAD_INDEX, b);
            return false;
        }
    }
    return true;
}

bool adaptive_ok(const char* op, const int32_t* desc, AdaptiveDims& a, int32_t& status) {
    if (!desc) {
        status = fail(op, C4J_ERR_NULL_POINTER, "descriptor is NULL");
        return false;
    }
    a = adaptive_dims(desc);
    if (!adaptive_dims_ok(a)) {
        char b[200];
        snprintf(b, sizeof b, "inconsistent adaptive pooling descriptor [n=%d c=%d h=%d w=%d out=%dx%d]", a.n, a.c,
                 a.h, a.w, a.hout, a.wout);
        status = fail(op, C4J_ERR_BAD_DESCRIPTOR, b);
        return false;
    }
    return true;
}

/* NULL check of named pointers: returns the name of the first NULL one, or nullptr. */
const char* first_null(std::initializer_list<std::pair<const char*, const void*>> ptrs) {
    for (const auto& p : ptrs) {
        if (!p.second) return p.first;
    }
    return nullptr;
}

int32_t null_fail(const char* op, const char* name) {
    char b[100];
    snprintf(b, sizeof b, "%s is NULL", name);
    return fail(op, C4J_ERR_NULL_POINTER, b);
}

}  // namespace

extern "C" {

const char* c4j_cuda_last_error(void) { return t_message; }

int32_t c4j_cuda_last_cuda_error(void) { return t_cuda_error; }

int32_t c4j_cuda_device_count(int32_t* count) {
    if (!count) return null_fail("device_count", "count");
    *count = 0;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        cudaGetLastError();
        return cuda_fail("device_count", e);
    }
    *count = n;
    return ok();
}

int32_t c4j_cuda_init(int32_t device, char* name_buf, int32_t name_len) {
    const char* op = "init";
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) return cuda_fail(op, e);
    if (device < 0 || device >= n) {
        char b[100];
        snprintf(b, sizeof b, "device %d does not exist (%d devices)", device, n);
        return fail(op, C4J_ERR_DEVICE, b);
    }
    g_device = device;
    t_device = -1;
    if ((e = use_device()) != cudaSuccess) return cuda_fail(op, e);
    if ((e = cudaFree(nullptr)) != cudaSuccess) return cuda_fail(op, e);  // creates the context now
    if (name_buf && name_len > 0) {
        cudaDeviceProp prop;
        if ((e = cudaGetDeviceProperties(&prop, device)) != cudaSuccess) return cuda_fail(op, e);
        snprintf(name_buf, (size_t)name_len, "%s (sm_%d%d, %zu MiB)", prop.name, prop.major, prop.minor,
                 prop.totalGlobalMem >> 20);
    }
    return ok();
}

int32_t c4j_cuda_alloc(int64_t count, float** out) {
    const char* op = "alloc";
    if (!out) return null_fail(op, "out");
    *out = nullptr;
    if (count < 1 || (uint64_t)count > SIZE_MAX / sizeof(float)) {
        char b[80];
        snprintf(b, sizeof b, "cannot allocate %lld floats", (long long)count);
        return fail(op, C4J_ERR_BAD_DESCRIPTOR, b);
    }
    cudaError_t e = use_device();
    if (e != cudaSuccess) return cuda_fail(op, e);
    void* p = nullptr;
    e = cudaMalloc(&p, (size_t)count * sizeof(float));
    if (e != cudaSuccess) {
        char b[200];
        snprintf(b, sizeof b, "alloc of %lld bytes", (long long)count * 4);
        return cuda_fail(b, e);
    }
    *out = (float*)p;
    return ok();
}

int32_t c4j_cuda_free(float* p) {
    if (!p) return ok();
    cudaError_t e = cudaFree(p);
    return e == cudaSuccess ? ok() : cuda_fail("free", e);
}

static int32_t copy(const char* op, void* dst, const void* src, int64_t count, cudaMemcpyKind kind) {
    if (!dst) return null_fail(op, "dst");
    if (!src) return null_fail(op, "src");
    if (count < 0) return fail(op, C4J_ERR_BAD_DESCRIPTOR, "negative count");
    if (count == 0) return ok();
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = cudaMemcpyAsync(dst, src, (size_t)count * sizeof(float), kind, cudaStreamPerThread);
    return finish(op, e);
}

int32_t c4j_cuda_upload(float* dst, const float* src, int64_t count) {
    return copy("upload", dst, src, count, cudaMemcpyHostToDevice);
}

int32_t c4j_cuda_download(float* dst, const float* src, int64_t count) {
    return copy("download", dst, src, count, cudaMemcpyDeviceToHost);
}

int32_t c4j_cuda_copy(float* dst, const float* src, int64_t count) {
    return copy("copy", dst, src, count, cudaMemcpyDeviceToDevice);
}

int32_t c4j_cuda_conv2d_forward(const int32_t* desc, const float* x, const float* w, const float* bias, float* y) {
    const char* op = "conv2d_forward";
    ConvDims d;
    int32_t st;
    if (!conv_ok(op, desc, d, st)) return st;
    if (const char* n = first_null({{"x", x}, {"w", w}, {"y", y}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_conv_forward(d, x, w, bias, y);
    return finish(op, e);
}

int32_t c4j_cuda_conv2d_backward_data(const int32_t* desc, const float* dy, const float* w, float* dx) {
    const char* op = "conv2d_backward_data";
    ConvDims d;
    int32_t st;
    if (!conv_ok(op, desc, d, st)) return st;
    if (const char* n = first_null({{"dy", dy}, {"w", w}, {"dx", dx}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_conv_backward_data(d, dy, w, dx);
    return finish(op, e);
}

int64_t c4j_cuda_backward_weights_workspace_bytes(const int32_t* desc) {
    if (!desc) return -1;
    ConvDims d = conv_dims(desc);
    if (!conv_dims_ok(d)) return -1;
    int splits = backward_weights_splits(d);
    return splits > 1 ? (int64_t)splits * d.cout * d.cin_g * d.kh * d.kw * (int64_t)sizeof(float) : 0;
}

int32_t c4j_cuda_conv2d_backward_weights(const int32_t* desc, const float* dy, const float* x, float* dw) {
    const char* op = "conv2d_backward_weights";
    ConvDims d;
    int32_t st;
    if (!conv_ok(op, desc, d, st)) return st;
    if (const char* n = first_null({{"dy", dy}, {"x", x}, {"dw", dw}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e != cudaSuccess) return cuda_fail(op, e);
    size_t need = (size_t)c4j_cuda_backward_weights_workspace_bytes(desc);
    if (need > t_workspace.bytes) {
        t_workspace.release();
        void* p = nullptr;
        e = cudaMalloc(&p, need);
        if (e != cudaSuccess) {
            char b[160];
            snprintf(b, sizeof b, "%s: workspace of %zu bytes", op, need);
            return cuda_fail(b, e);
        }
        t_workspace.p = (float*)p;
        t_workspace.bytes = need;
    }
    e = launch_conv_backward_weights(d, dy, x, dw, t_workspace.p);
    return finish(op, e);
}

int32_t c4j_cuda_release_workspace(void) {
    t_workspace.release();
    return ok();
}

int32_t c4j_cuda_conv2d_backward_bias(int32_t n, int32_t c, int32_t h, int32_t w, const float* dy, float* db) {
    const char* op = "conv2d_backward_bias";
    if (n < 1 || c < 1 || h < 1 || w < 1 || checked_count(n, c, h, w) < 0) {
        char b[120];
        snprintf(b, sizeof b, "bad dy shape [%d, %d, %d, %d]", n, c, h, w);
        return fail(op, C4J_ERR_BAD_DESCRIPTOR, b);
    }
    if (const char* p = first_null({{"dy", dy}, {"db", db}})) return null_fail(op, p);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_conv_backward_bias(n, c, h * w, dy, db);
    return finish(op, e);
}

int32_t c4j_cuda_max_pool2d_forward(const int32_t* desc, const float* x, float* y) {
    const char* op = "max_pool2d_forward";
    PoolDims p;
    int32_t st;
    if (!pool_ok(op, desc, p, st)) return st;
    if (const char* n = first_null({{"x", x}, {"y", y}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_max_pool_forward(p, x, y);
    return finish(op, e);
}

int32_t c4j_cuda_max_pool2d_backward(const int32_t* desc, const float* dy, const float* x, float* dx) {
    const char* op = "max_pool2d_backward";
    PoolDims p;
    int32_t st;
    if (!pool_ok(op, desc, p, st)) return st;
    if (const char* n = first_null({{"dy", dy}, {"x", x}, {"dx", dx}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_max_pool_backward(p, x, dy, dx);
    return finish(op, e);
}

int32_t c4j_cuda_avg_pool2d_forward(const int32_t* desc, const float* x, float* y) {
    const char* op = "avg_pool2d_forward";
    PoolDims p;
    int32_t st;
    if (!pool_ok(op, desc, p, st)) return st;
    if (const char* n = first_null({{"x", x}, {"y", y}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_avg_pool_forward(p, x, y);
    return finish(op, e);
}

int32_t c4j_cuda_avg_pool2d_backward(const int32_t* desc, const float* dy, float* dx) {
    const char* op = "avg_pool2d_backward";
    PoolDims p;
    int32_t st;
    if (!pool_ok(op, desc, p, st)) return st;
    if (const char* n = first_null({{"dy", dy}, {"dx", dx}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_avg_pool_backward(p, dy, dx);
    return finish(op, e);
}

int32_t c4j_cuda_max_pool2d_forward_indices(const int32_t* desc, const float* x, float* y, int32_t* idx_host) {
    const char* op = "max_pool2d_forward_indices";
    PoolDims p;
    int32_t st;
    if (!pool_ok(op, desc, p, st)) return st;
    if (const char* n = first_null({{"x", x}, {"y", y}, {"idx_host", idx_host}})) return null_fail(op, n);
    const int64_t count = (int64_t)p.n * p.c * p.hout * p.wout;
    DeviceInts idx;
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = idx.alloc(count);
    if (e == cudaSuccess) e = launch_max_pool_forward_indices(p, x, y, idx.p);
    if (e == cudaSuccess) {
        e = cudaMemcpyAsync(idx_host, idx.p, (size_t)count * sizeof(int), cudaMemcpyDeviceToHost, cudaStreamPerThread);
    }
    return finish(op, e);
}

int32_t c4j_cuda_max_pool2d_backward_indices(const int32_t* idesc, const float* dy, const int32_t* idx_host,
                                             float* dx) {
    const char* op = "max_pool2d_backward_indices";
    IndexDims d;
    int32_t st;
    if (!index_ok(op, idesc, d, st)) return st;
    if (const char* n = first_null({{"dy", dy}, {"idx_host", idx_host}, {"dx", dx}})) return null_fail(op, n);
    if (!indices_in_range(op, d, idx_host, st)) return st;
    const int64_t count = (int64_t)d.n * d.c * d.hs * d.ws;
    DeviceInts idx;
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = idx.alloc(count);
    if (e == cudaSuccess) {
        e = cudaMemcpyAsync(idx.p, idx_host, (size_t)count * sizeof(int), cudaMemcpyHostToDevice, cudaStreamPerThread);
    }
    if (e == cudaSuccess) e = launch_max_pool_backward_indices(d, dy, idx.p, dx);
    return finish(op, e);
}

int32_t c4j_cuda_max_unpool2d(const int32_t* idesc, const float* x, const int32_t* idx_host, float* y) {
    const char* op = "max_unpool2d";
    IndexDims d;
    int32_t st;
    if (!index_ok(op, idesc, d, st)) return st;
    if (const char* n = first_null({{"x", x}, {"idx_host", idx_host}, {"y", y}})) return null_fail(op, n);
    if (!indices_in_range(op, d, idx_host, st)) return st;
    const int64_t count = (int64_t)d.n * d.c * d.hs * d.ws;
    DeviceInts idx, owner;
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = idx.alloc(count);
    if (e == cudaSuccess) e = owner.alloc((int64_t)d.n * d.c * d.hb * d.wb);
    if (e == cudaSuccess) {
        e = cudaMemcpyAsync(idx.p, idx_host, (size_t)count * sizeof(int), cudaMemcpyHostToDevice, cudaStreamPerThread);
    }
    if (e == cudaSuccess) e = launch_max_unpool(d, x, idx.p, owner.p, y);
    return finish(op, e);
}

int32_t c4j_cuda_adaptive_avg_pool2d_forward(const int32_t* adesc, const float* x, float* y) {
    const char* op = "adaptive_avg_pool2d_forward";
    AdaptiveDims a;
    int32_t st;
    if (!adaptive_ok(op, adesc, a, st)) return st;
    if (const char* n = first_null({{"x", x}, {"y", y}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_adaptive_avg_pool_forward(a, x, y);
    return finish(op, e);
}

int32_t c4j_cuda_adaptive_avg_pool2d_backward(const int32_t* adesc, const float* dy, float* dx) {
    const char* op = "adaptive_avg_pool2d_backward";
    AdaptiveDims a;
    int32_t st;
    if (!adaptive_ok(op, adesc, a, st)) return st;
    if (const char* n = first_null({{"dy", dy}, {"dx", dx}})) return null_fail(op, n);
    cudaError_t e = use_device();
    if (e == cudaSuccess) e = launch_adaptive_avg_pool_backward(a, dy, dx);
    return finish(op, e);
}

int32_t c4j_cuda_adaptive_max_pool2d_forward(const int32_t* adesc, const float* x, float* y, int32_t* idx_host) {
    const char* op = "adaptive_max_pool2d_forward";
    AdaptiveDims a;
    int32_t st;
    if (!adaptive_ok(op, adesc, a, st)) return st;
    if (const char* n = first_null({{"x", x}, {"y", y}})) return null_fail(op, n);
    const int64_t count = (int64_t)a.n * a.c * a.hout * a.wout;
    DeviceInts idx;
    cudaError_t e = use_device();
    if (e == cudaSuccess && idx_host) e = idx.alloc(count);
    if (e == cudaSuccess) e = launch_adaptive_max_pool_forward(a, x, y, idx.p);
    if (e == cudaSuccess && idx_host) {
        e = cudaMemcpyAsync(idx_host, idx.p, (size_t)count * sizeof(int), cudaMemcpyDeviceToHost, cudaStreamPerThread);
    }
    return finish(op, e);
}

}  // extern "C"
