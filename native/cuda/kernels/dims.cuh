/*
 * Sizes of one convolution or pooling unpacked from the int32 descriptors of conv4j_types.h, and the cheap
 * consistency checks run before any launch (the Java side validated everything already; a C caller may not
 * have, and a kernel must never index out of bounds).
 */
#ifndef CONV4J_CUDA_DIMS_CUH
#define CONV4J_CUDA_DIMS_CUH

#include <stdint.h>

#include "conv4j/conv4j_types.h"
#include "hd.cuh"

namespace c4j {
namespace cuda {

struct ConvDims {
    int n, cin, h, w, cout, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups, hout, wout;
    int cin_g, cout_g;  // channels per group
};

struct PoolDims {
    int n, c, h, w, kh, kw, sh, sw, ph, pw, hout, wout, count_include_pad;
};

/* Sizes of an index-driven operation (C4J_IDX_*): indices on [hs, ws] planes pointing into [hb, wb] planes. */
struct IndexDims {
    int n, c, hs, ws, hb, wb;
};

/* Sizes of an adaptive pooling (C4J_APOOL_*). */
struct AdaptiveDims {
    int n, c, h, w, hout, wout;
};

inline IndexDims index_dims(const int32_t* d) {
    IndexDims x;
    x.n = d[C4J_IDX_N];
    x.c = d[C4J_IDX_C];
    x.hs = d[C4J_IDX_HS];
    x.ws = d[C4J_IDX_WS];
    x.hb = d[C4J_IDX_HB];
    x.wb = d[C4J_IDX_WB];
    return x;
}

/* Every size positive and both tensors indexable with int. */
inline bool index_dims_ok(const IndexDims& d) {
    if (d.n < 1 || d.c < 1 || d.hs < 1 || d.ws < 1 || d.hb < 1 || d.wb < 1) return false;
    const int64_t planes = (int64_t)d.n * d.c, limit = 2147483647;
    return (int64_t)d.hs * d.ws <= limit / planes && (int64_t)d.hb * d.wb <= limit / planes;
}

inline AdaptiveDims adaptive_dims(const int32_t* d) {
    AdaptiveDims a;
    a.n = d[C4J_APOOL_N];
    a.c = d[C4J_APOOL_C];
    a.h = d[C4J_APOOL_H];
    a.w = d[C4J_APOOL_W];
    a.hout = d[C4J_APOOL_HOUT];
    a.wout = d[C4J_APOOL_WOUT];
    return a;
}

inline bool adaptive_dims_ok(const AdaptiveDims& a) {
    if (a.n < 1 || a.c < 1 || a.h < 1 || a.w < 1 || a.hout < 1 || a.wout < 1) return false;
    const int64_t planes = (int64_t)a.n * a.c, limit = 2147483647;
    return (int64_t)a.h * a.w <= limit / planes && (int64_t)a.hout * a.wout <= limit / planes;
}

inline ConvDims conv_dims(const int32_t* d) {
    ConvDims c;
    c.n = d[C4J_CONV_N];
    c.cin = d[C4J_CONV_CIN];
    c.h = d[C4J_CONV_H];
    c.w = d[C4J_CONV_W];
    c.cout = d[C4J_CONV_COUT];
    c.kh = d[C4J_CONV_KH];
    c.kw = d[C4J_CONV_KW];
    c.sh = d[C4J_CONV_SH];
    c.sw = d[C4J_CONV_SW];
    c.pt = d[C4J_CONV_PAD_TOP];
    c.pb = d[C4J_CONV_PAD_BOTTOM];
    c.pl = d[C4J_CONV_PAD_LEFT];
    c.pr = d[C4J_CONV_PAD_RIGHT];
    c.dh = d[C4J_CONV_DH];
    c.dw = d[C4J_CONV_DW];
    c.groups = d[C4J_CONV_GROUPS];
    c.hout = d[C4J_CONV_HOUT];
    c.wout = d[C4J_CONV_WOUT];
    c.cin_g = c.groups > 0 ? c.cin / c.groups : 0;
    c.cout_g = c.groups > 0 ? c.cout / c.groups : 0;
    return c;
}

inline PoolDims pool_dims(const int32_t* d) {
    PoolDims p;
    p.n = d[C4J_POOL_N];
    p.c = d[C4J_POOL_C];
    p.h = d[C4J_POOL_H];
    p.w = d[C4J_POOL_W];
    p.kh = d[C4J_POOL_KH];
    p.kw = d[C4J_POOL_KW];
    p.sh = d[C4J_POOL_SH];
    p.sw = d[C4J_POOL_SW];
    p.ph = d[C4J_POOL_PAD_H];
    p.pw = d[C4J_POOL_PAD_W];
    p.hout = d[C4J_POOL_HOUT];
    p.wout = d[C4J_POOL_WOUT];
    p.count_include_pad = d[C4J_POOL_COUNT_INCLUDE_PAD];
    return p;
}

/* Product of positive sizes, or -1 when it exceeds INT32_MAX (every tensor must be int-indexable). */
inline int64_t checked_count(int64_t a, int64_t b, int64_t c, int64_t d) {
    const int64_t lim = INT32_MAX;
    int64_t p = a;
    if (p > lim / b) return -1;
    p *= b;
    if (p > lim / c) return -1;
    p *= c;
    if (p > lim / d) return -1;
    p *= d;
    return p;
}

/* Output size of one convolution axis, or -1 when the dilated kernel does not fit. */
inline int64_t conv_out(int64_t in, int64_t pa, int64_t pb, int64_t k, int64_t dil, int64_t s) {
    int64_t eff = dil * (k - 1) + 1, padded = in + pa + pb;
    return padded < eff ? -1 : (padded - eff) / s + 1;
}

/* True when the descriptor describes a convolution every kernel can run without leaving its tensors. */
inline bool conv_dims_ok(const ConvDims& c) {
    if (c.n < 1 || c.cin < 1 || c.h < 1 || c.w < 1 || c.cout < 1 || c.kh < 1 || c.kw < 1 || c.sh < 1 || c.sw < 1
        || c.dh < 1 || c.dw < 1 || c.groups < 1 || c.pt < 0 || c.pb < 0 || c.pl < 0 || c.pr < 0 || c.hout < 1
        || c.wout < 1) {
        return false;
    }
    if (c.cin % c.groups != 0 || c.cout % c.groups != 0) return false;
    if (conv_out(c.h, c.pt, c.pb, c.kh, c.dh, c.sh) != c.hout) return false;
    if (conv_out(c.w, c.pl, c.pr, c.kw, c.dw, c.sw) != c.wout) return false;
    return checked_count(c.n, c.cin, c.h, c.w) > 0 && checked_count(c.n, c.cout, c.hout, c.wout) > 0
        && checked_count(c.cout, c.cin_g, c.kh, c.kw) > 0
        /* the padded extent and the GEMM sizes are computed in int as well */
        && checked_count(c.n, c.hout, c.wout, 1) > 0 && checked_count(c.n, c.h, c.w, 1) > 0
        && checked_count(c.cin_g, c.kh, c.kw, 1) > 0 && checked_count(c.cout_g, c.kh, c.kw, 1) > 0
        && (int64_t)c.h + c.pt + c.pb + (int64_t)c.dh * c.kh < INT32_MAX
        && (int64_t)c.w + c.pl + c.pr + (int64_t)c.dw * c.kw < INT32_MAX;
}

/* Pool output size along one axis: floor mode, or ceil mode with PyTorch's drop rule; -1 if the window does not fit. */
inline int64_t pool_out(int64_t in, int64_t pad, int64_t k, int64_t s, bool ceil_mode) {
    int64_t span = in + 2 * pad - k;
    if (span < 0) return -1;
    int64_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= in + pad) o--;
    return o;
}

/* True when the pooling descriptor is consistent (output size of floor or of ceil mode; every window meets the input). */
inline bool pool_dims_ok(const PoolDims& p) {
    if (p.n < 1 || p.c < 1 || p.h < 1 || p.w < 1 || p.kh < 1 || p.kw < 1 || p.sh < 1 || p.sw < 1 || p.ph < 0
        || p.pw < 0 || 2 * (int64_t)p.ph > p.kh || 2 * (int64_t)p.pw > p.kw || p.hout < 1 || p.wout < 1
        || (p.count_include_pad != 0 && p.count_include_pad != 1)) {
        return false;
    }
    if (p.hout != pool_out(p.h, p.ph, p.kh, p.sh, false) && p.hout != pool_out(p.h, p.ph, p.kh, p.sh, true)) return false;
    if (p.wout != pool_out(p.w, p.pw, p.kw, p.sw, false) && p.wout != pool_out(p.w, p.pw, p.kw, p.sw, true)) return false;
    return checked_count(p.n, p.c, p.h, p.w) > 0 && checked_count(p.n, p.c, p.hout, p.wout) > 0
        && (int64_t)(p.hout - 1) * p.sh + p.kh < INT32_MAX && (int64_t)(p.wout - 1) * p.sw + p.kw < INT32_MAX;
}

}  // namespace cuda
}  // namespace c4j

#endif
