/*
 * Pooling, one thread per output (forward) or per input element (backward). Backward is a gather: an input
 * element sums the gradients of the windows that cover it, in window order, so every dx element is written
 * once by one thread (no atomics, the same bits on every run).
 *
 * Max backward recomputes each covering window's argmax from x instead of saving indices in the forward: the
 * public API (maxPool2dBackward(dy, x, p)) gets x, not indices, and recomputation costs kh*kw reads per covering
 * window (36 for the common 3x3 stride 2) on data that is read from cache. The price, measured on an H100: p2
 * backward 213 us against PyTorch's 81 us with saved indices (docs/benchmarks.md); saving them would take an API
 * that hands indices from forward to backward.
 */
#ifndef CONV4J_CUDA_POOL_CUH
#define CONV4J_CUDA_POOL_CUH

#include "dims.cuh"
#include "hd.cuh"

namespace c4j {
namespace cuda {

/* Index into plane `x` (h x w) of the first maximal element of window (i, j), row-major; a NaN wins. */
CONV4J_HD inline int pool_argmax(const PoolDims& p, const float* x, int i, int j) {
    int h0 = imax(i * p.sh - p.ph, 0), h1 = imin(i * p.sh - p.ph + p.kh, p.h);
    int w0 = imax(j * p.sw - p.pw, 0), w1 = imin(j * p.sw - p.pw + p.kw, p.w);
    int best = -1;
    float bv = 0.f;
    for (int a = h0; a < h1; a++) {
        for (int b = w0; b < w1; b++) {
            float v = x[a * p.w + b];
            if (best < 0 || v > bv || (isnan(v) && !isnan(bv))) {
                best = a * p.w + b;
                bv = v;
            }
        }
    }
    return best;  // windows always meet the input (pool_dims_ok), so best >= 0
}

/* Average divisor of window (i, j): PyTorch's rule. */
CONV4J_HD inline int pool_divisor(const PoolDims& p, int i, int j) {
    int hs = i * p.sh - p.ph, ws = j * p.sw - p.pw;
    int he = imin(hs + p.kh, p.h + p.ph), we = imin(ws + p.kw, p.w + p.pw);
    if (p.count_include_pad) return (he - hs) * (we - ws);
    return (imin(he, p.h) - imax(hs, 0)) * (imin(we, p.w) - imax(ws, 0));
}

/* Output element `o` of max pooling. */
CONV4J_HD inline void maxpool_fwd(const PoolDims& p, const float* x, float* y, int o) {
    int j = o % p.wout, t = o / p.wout, i = t % p.hout, plane = t / p.hout;
    const float* xp = x + plane * p.h * p.w;
    y[o] = xp[pool_argmax(p, xp, i, j)];
}

/* Output element `o` of average pooling: row-major sum from zero, then one division (the java backend's order). */
CONV4J_HD inline void avgpool_fwd(const PoolDims& p, const float* x, float* y, int o) {
    int j = o % p.wout, t = o / p.wout, i = t % p.hout, plane = t / p.hout;
    const float* xp = x + plane * p.h * p.w;
    int h0 = imax(i * p.sh - p.ph, 0), h1 = imin(i * p.sh - p.ph + p.kh, p.h);
    int w0 = imax(j * p.sw - p.pw, 0), w1 = imin(j * p.sw - p.pw + p.kw, p.w);
    float s = 0.f;
    for (int a = h0; a < h1; a++) {
        for (int b = w0; b < w1; b++) {
            s += xp[a * p.w + b];
        }
    }
    y[o] = s / (float)pool_divisor(p, i, j);
}

/* Windows along one axis that cover input coordinate `c`: [lo, hi). */
CONV4J_HD inline void pool_covering(int c, int pad, int k, int s, int out, int& lo, int& hi) {
    // window i covers [i*s - pad, i*s - pad + k): i*s <= c + pad and i*s > c + pad - k
    lo = imax(floor_div(c + pad - k, s) + 1, 0);
    hi = imin(floor_div(c + pad, s) + 1, out);
}

/* Input element `e` of max pooling's gradient: dy of every covering window whose first maximum is this element. */
CONV4J_HD inline void maxpool_bwd(const PoolDims& p, const float* x, const float* dy, float* dx, int e) {
    int b = e % p.w, t = e / p.w, a = t % p.h, plane = t / p.h;
    const float* xp = x + plane * p.h * p.w;
    const float* dyp = dy + plane * p.hout * p.wout;
    int i0, i1, j0, j1;
    pool_covering(a, p.ph, p.kh, p.sh, p.hout, i0, i1);
    pool_covering(b, p.pw, p.kw, p.sw, p.wout, j0, j1);
    const int self = a * p.w + b;
    float s = 0.f;
    for (int i = i0; i < i1; i++) {
        for (int j = j0; j < j1; j++) {
            if (pool_argmax(p, xp, i, j) == self) {
                s += dyp[i * p.wout + j];
            }
        }
    }
    dx[e] = s;
}

/* Input element `e` of average pooling's gradient: the covering windows' dy / divisor, in window order. */
CONV4J_HD inline void avgpool_bwd(const PoolDims& p, const float* dy, float* dx, int e) {
    int b = e % p.w, t = e / p.w, a = t % p.h, plane = t / p.h;
    const float* dyp = dy + plane * p.hout * p.wout;
    int i0, i1, j0, j1;
    pool_covering(a, p.ph, p.kh, p.sh, p.hout, i0, i1);
    pool_covering(b, p.pw, p.kw, p.sw, p.wout, j0, j1);
    float s = 0.f;
    for (int i = i0; i < i1; i++) {
        for (int j = j0; j < j1; j++) {
            s += dyp[i * p.wout + j] / (float)pool_divisor(p, i, j);
        }
    }
    dx[e] = s;
}

}  // namespace cuda
}  // namespace c4j

#endif
