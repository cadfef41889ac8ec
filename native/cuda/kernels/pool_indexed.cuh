/*
 * Max pooling with saved indices, the operations driven by them, and adaptive pooling; one thread per
 * output (forward), per pooled value (index gradient) or per big-plane element (unpooling, adaptive gradient).
 *
 * Indices are flat offsets row * W + column into their (image, channel) plane, checked in range on the host
 * before upload (api.cu), so no body here can read or write outside a plane.
 *
 * Index gradient: one atomic add per pooled value into dx (zeroed first); only maxima shared by overlapping
 * windows receive several adds, whose order may vary between runs (PyTorch does the same). Unpooling is
 * deterministic: a first pass keeps, per target element, the largest position k that points at it
 * (atomicMax; "the last in row-major order wins", as the cpu and java backends), a second pass gathers.
 */
#ifndef CONV4J_CUDA_POOL_INDEXED_CUH
#define CONV4J_CUDA_POOL_INDEXED_CUH

#include "dims.cuh"
#include "hd.cuh"
#include "pool.cuh"

namespace c4j {
namespace cuda {

CONV4J_HD inline void add_to(float* p, float v) {
#if defined(__CUDA_ARCH__)
    atomicAdd(p, v);
#else
    *p += v;  // the host harness runs threads one after the other
#endif
}

CONV4J_HD inline void max_to(int* p, int v) {
#if defined(__CUDA_ARCH__)
    atomicMax(p, v);
#else
    if (v > *p) *p = v;
#endif
}

/* Output `o` of max pooling with indices: the same argmax as maxpool_fwd. */
CONV4J_HD inline void maxpool_fwd_idx(const PoolDims& p, const float* x, float* y, int* idx, int o) {
    int j = o % p.wout, t = o / p.wout, i = t % p.hout, plane = t / p.hout;
    const float* xp = x + plane * p.h * p.w;
    int a = pool_argmax(p, xp, i, j);
    y[o] = xp[a];
    idx[o] = a;
}

/* Pooled value `k` of the index gradient: dx[plane, idx[k]] += dy[k] (dx zeroed before). */
CONV4J_HD inline void index_bwd(const IndexDims& d, const float* dy, const int* idx, float* dx, int k) {
    int plane = k / (d.hs * d.ws);
    add_to(dx + plane * d.hb * d.wb + idx[k], dy[k]);
}

/* Pass 1 of unpooling, pooled value `k`: owner[plane, idx[k]] = max(owner, k in its plane) (owner set to -1 before). */
CONV4J_HD inline void unpool_claim(const IndexDims& d, const int* idx, int* owner, int k) {
    int small = d.hs * d.ws, plane = k / small;
    max_to(owner + plane * d.hb * d.wb + idx[k], k - plane * small);
}

/* Pass 2 of unpooling, output element `e`: its owner's value, or 0. */
CONV4J_HD inline void unpool_gather(const IndexDims& d, const float* x, const int* owner, float* y, int e) {
    int plane = e / (d.hb * d.wb);
    int k = owner[e];
    y[e] = k >= 0 ? x[plane * d.hs * d.ws + k] : 0.f;
}

/* Adaptive window of output index i over `in`: [floor(i*in/out), ceil((i+1)*in/out)). */
CONV4J_HD inline int adaptive_start(int i, int in, int out) { return (int)((long long)i * in / out); }
CONV4J_HD inline int adaptive_end(int i, int in, int out) { return (int)(((long long)(i + 1) * in + out - 1) / out); }

/* Output `o` of adaptive average pooling: row-major sum from zero, one division. */
CONV4J_HD inline void adaptive_avg_fwd(const AdaptiveDims& d, const float* x, float* y, int o) {
    int j = o % d.wout, t = o / d.wout, i = t % d.hout, plane = t / d.hout;
    const float* xp = x + plane * d.h * d.w;
    int h0 = adaptive_start(i, d.h, d.hout), h1 = adaptive_end(i, d.h, d.hout);
    int w0 = adaptive_start(j, d.w, d.wout), w1 = adaptive_end(j, d.w, d.wout);
    float s = 0.f;
    for (int a = h0; a < h1; a++) {
        for (int b = w0; b < w1; b++) s += xp[a * d.w + b];
    }
    y[o] = s / (float)((h1 - h0) * (w1 - w0));
}

/* Output indices whose adaptive windows cover input coordinate c: [lo, hi) (windows are monotone). */
CONV4J_HD inline void adaptive_covering(int c, int in, int out, int& lo, int& hi) {
    // window i covers c iff floor(i*in/out) <= c < ceil((i+1)*in/out)
    lo = (int)((long long)c * out / in);
    while (lo > 0 && adaptive_end(lo - 1, in, out) > c) lo--;
    while (lo < out && adaptive_end(lo, in, out) <= c) lo++;
    hi = lo;
    while (hi < out && adaptive_start(hi, in, out) <= c) hi++;
}

/* Input element `e` of the adaptive average gradient: a gather over the covering windows, in window order. */
CONV4J_HD inline void adaptive_avg_bwd(const AdaptiveDims& d, const float* dy, float* dx, int e) {
    int b = e % d.w, t = e / d.w, a = t % d.h, plane = t / d.h;
    const float* dyp = dy + plane * d.hout * d.wout;
    int i0, i1, j0, j1;
    adaptive_covering(a, d.h, d.hout, i0, i1);
    adaptive_covering(b, d.w, d.wout, j0, j1);
    float s = 0.f;
    for (int i = i0; i < i1; i++) {
        int rows = adaptive_end(i, d.h, d.hout) - adaptive_start(i, d.h, d.hout);
        for (int j = j0; j < j1; j++) {
            int cols = adaptive_end(j, d.w, d.wout) - adaptive_start(j, d.w, d.wout);
            s += dyp[i * d.wout + j] / (float)(rows * cols);
        }
    }
    dx[e] = s;
}

/* Output `o` of adaptive max pooling: first maximum in row-major order, a NaN wins; idx may be null. */
CONV4J_HD inline void adaptive_max_fwd(const AdaptiveDims& d, const float* x, float* y, int* idx, int o) {
    int j = o % d.wout, t = o / d.wout, i = t % d.hout, plane = t / d.hout;
    const float* xp = x + plane * d.h * d.w;
    int h0 = adaptive_start(i, d.h, d.hout), h1 = adaptive_end(i, d.h, d.hout);
    int w0 = adaptive_start(j, d.w, d.wout), w1 = adaptive_end(j, d.w, d.wout);
    int best = h0 * d.w + w0;
    float bv = xp[best];
    for (int a = h0; a < h1; a++) {
        for (int b = w0; b < w1; b++) {
            float v = xp[a * d.w + b];
            if (v > bv || (isnan(v) && !isnan(bv))) {
                best = a * d.w + b;
                bv = v;
            }
        }
    }
    y[o] = bv;
    if (idx) idx[o] = best;
}

}  // namespace cuda
}  // namespace c4j

#endif
