// Max pooling that keeps its argmax, and the two operations driven by saved indices (gradient and
// unpooling), one task per (image, channel) plane.
//
// The forward finds each window's first maximum exactly as c4j_max_pool2d_backward does (separable: column
// maxima with their first row, then per window the best value, smallest row, smallest column, with the
// vectorised row kernels of pool_rows.h), so the index and index-free paths agree on ties and NaN. The
// index-driven operations write one value per pooled output into a cleared plane; every index is checked
// against the plane before it is used, so a bad one stops the call instead of writing out of bounds.
#include <algorithm>
#include <cstring>
#include <limits>

#include "conv4j/conv4j_cpu.h"
#include "pool/pool_band.h"
#include "pool/pool_index_grad.h"
#include "pool/pool_planes.h"
#include "pool/pool_rows.h"
#include "pool/pool_s1.h"
#include "pool/pool_stride1.h"
#include "runtime/buffer.h"
#include "runtime/geometry.h"

namespace c4j {
namespace {

struct IndexGeo {
    int n, c, hs, ws, hb, wb;
    int64_t small, big;  // plane sizes
};

bool load_index(const int32_t *d, IndexGeo &g) {
    if (d == nullptr) return false;
    g.n = d[C4J_IDX_N];
    g.c = d[C4J_IDX_C];
    g.hs = d[C4J_IDX_HS];
    g.ws = d[C4J_IDX_WS];
    g.hb = d[C4J_IDX_HB];
    g.wb = d[C4J_IDX_WB];
    if (g.n < 1 || g.c < 1 || g.hs < 1 || g.ws < 1 || g.hb < 1 || g.wb < 1) return false;
    g.small = static_cast<int64_t>(g.hs) * g.ws;
    g.big = static_cast<int64_t>(g.hb) * g.wb;
    const int64_t planes = static_cast<int64_t>(g.n) * g.c;
    // both tensors are indexed by Java ints
    const int64_t limit = std::numeric_limits<int32_t>::max();
    return planes <= limit && g.small <= limit / planes && g.big <= limit / planes;
}

bool in_range(int64_t planes, int t0, int t1) { return t0 >= 0 && t1 >= t0 && t1 <= planes; }

// dst (big plane) = 0, then op(dst[idx[k]], src[k]) for k in order; false on an index outside the plane.
template <typename Op>
bool scatter_planes(const IndexGeo &g, const float *src, const int32_t *idx, float *dst, int t0, int t1, Op op) {
    for (int64_t t = t0; t < t1; ++t) {
        const float *s = src + t * g.small;
        const int32_t *ix = idx + t * g.small;
        float *d = dst + t * g.big;
        std::memset(d, 0, sizeof(float) * static_cast<size_t>(g.big));
        for (int64_t k = 0; k < g.small; ++k) {
            const int32_t at = ix[k];
            if (at < 0 || at >= g.big) return false;
            op(d[at], s[k]);
        }
    }
    return true;
}

}  // namespace
}  // namespace c4j

extern "C" int c4j_max_pool2d_forward_indices(const int32_t *desc, const float *x, float *y, int32_t *idx, int t0,
                                              int t1) {
    c4j::PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::in_range(static_cast<int64_t>(g.n) * g.c, t0, t1))
        return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || y == nullptr || idx == nullptr) return C4J_ERR_NULL_POINTER;
    if (c4j::pool_planes_max_forward_indices(g, x, y, idx, t0, t1)) return C4J_OK;
    if (c4j::s1_applies(g)) return c4j::s1_argmax_tasks(g, x, y, idx, t0, t1);
    if (c4j::stride1_applies(g)) {
        c4j::Stride1Scratch s(g);
        if (!s.ok()) return C4J_ERR_OUT_OF_MEMORY;
        const c4j::PoolRowKernels &k = c4j::pool_rows();
        const int64_t plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
        for (int64_t t = t0; t < t1; ++t) s.argmax(g, k, x + t * plane, y + t * oplane, idx + t * oplane);
        return C4J_OK;
    }
    // a padded row: input column q at q + pw; -inf (and row INT32_MAX, losing every tie) elsewhere; windows
    // start at j * sw and end before w + pw + kw (see PaddedRow in pool.cpp)
    const int64_t len = static_cast<int64_t>(g.w) + 2 * g.pw + g.kw + 16;
    const int n = (g.wout - 1) * g.sw + 1;
    c4j::FloatBuffer vbuf(len), abuf(len), hv(len), hr(len), hc(len);
    if (!vbuf.ok() || !abuf.ok() || !hv.ok() || !hr.ok() || !hc.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get();
    int32_t *va = reinterpret_cast<int32_t *>(abuf.get());  // int32 in float-sized, aligned storage
    int32_t *rowv = reinterpret_cast<int32_t *>(hr.get());
    int32_t *colv = reinterpret_cast<int32_t *>(hc.get());
    std::fill(v, v + len, -std::numeric_limits<float>::infinity());
    std::fill(va, va + len, std::numeric_limits<int32_t>::max());
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    const int64_t oplane = static_cast<int64_t>(g.hout) * g.wout;
    const c4j::Band band = c4j::same_band(g);
    const int64_t blen = band.i1 > band.i0 ? static_cast<int64_t>(band.i1 - band.i0) * g.w : 1;
    c4j::FloatBuffer bv(blen), ba(blen), bh(blen), br(blen), bc(blen);
    if (!bv.ok() || !ba.ok() || !bh.ok() || !br.ok() || !bc.ok()) return C4J_ERR_OUT_OF_MEMORY;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *yp = y + t * oplane;
        int32_t *ip = idx + t * oplane;
        if (band.i1 > band.i0) {
            c4j::band_argmax(g, k, band, xp, bv.get(), reinterpret_cast<int32_t *>(ba.get()), bh.get(),
                             reinterpret_cast<int32_t *>(br.get()), reinterpret_cast<int32_t *>(bc.get()),
                             [&](int oi, int oj, int at) {
                                 ip[static_cast<int64_t>(oi) * g.wout + oj] = at;
                                 yp[static_cast<int64_t>(oi) * g.wout + oj] = xp[at];
                             },
                             [&](int oi, int j0, int cnt, const float *val, const int32_t *row, const int32_t *col,
                                 int off) {
                                 // a window's best value is its winning cell's value (the kernels move values,
                                 // never compute them), so y takes it without reading x again
                                 int32_t *ir = ip + static_cast<int64_t>(oi) * g.wout + j0;
                                 float *yr = yp + static_cast<int64_t>(oi) * g.wout + j0;
                                 for (int q = 0; q < cnt; ++q) ir[q] = row[q] * g.w + col[q] + off;
                                 std::memcpy(yr, val, sizeof(float) * static_cast<size_t>(cnt));
                             });
        }
        for (int i = 0; i < g.hout; ++i) {
            if (i == band.i0 && band.i1 > band.i0) i = band.i1;
            if (i >= g.hout) break;
            const int s = i * g.sh - g.ph;
            const int r0 = std::max(s, 0), r1 = std::min(s + g.kh, g.h);
            k.col_max(xp + static_cast<int64_t>(r0) * g.w, g.w, r1 - r0, g.w, v + g.pw, va + g.pw);
            const int64_t step = g.sw == 2 ? 1 : g.sw;  // stride 2: only the kept windows, at j
            if (g.sw == 2) {
                k.win_argmax_s2(v, va, g.wout, g.kw, hv.get(), rowv, colv);
            } else {
                k.win_argmax(v, va, n, g.kw, hv.get(), rowv, colv);
            }
            // a real cell: every window holds one and padding loses every tie
            int32_t *ir = ip + static_cast<int64_t>(i) * g.wout;
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
            const int32_t off = r0 * g.w - g.pw;
            if (step == 1) {  // plain loops the compiler vectorises; the best value is the winning cell's
                for (int j = 0; j < g.wout; ++j) ir[j] = rowv[j] * g.w + colv[j] + off;
                std::memcpy(yr, hv.get(), sizeof(float) * static_cast<size_t>(g.wout));
                continue;
            }
            for (int j = 0; j < g.wout; ++j) {
                const int64_t c = static_cast<int64_t>(j) * step;
                const int32_t at = rowv[c] * g.w + colv[c] + off;
                ir[j] = at;
                yr[j] = xp[at];
            }
        }
    }
    return C4J_OK;
}

extern "C" int c4j_index_tasks(const int32_t *idesc) {
    c4j::IndexGeo g;
    if (!c4j::load_index(idesc, g)) return 0;
    return g.n * g.c;
}

extern "C" int c4j_max_pool2d_backward_indices(const int32_t *idesc, const float *dy, const int32_t *idx, float *dx,
                                               int t0, int t1) {
    c4j::IndexGeo g;
    if (!c4j::load_index(idesc, g) || !c4j::in_range(static_cast<int64_t>(g.n) * g.c, t0, t1))
        return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || idx == nullptr || dx == nullptr) return C4J_ERR_NULL_POINTER;
    auto add = [](float &d, float s) { d += s; };
    // 2x2 stride-2 shapes: each plane written once in 2x2 blocks while its indices stay in their own windows,
    // else cleared and scattered into (the same bits either way)
    if (g.hb >= 2 * static_cast<int64_t>(g.hs) && g.wb >= 2 * static_cast<int64_t>(g.ws) &&
        g.hb <= 2 * static_cast<int64_t>(g.hs) + 1 && g.wb <= 2 * static_cast<int64_t>(g.ws) + 1) {
        const c4j::IndexGradKernels &k = c4j::pool_index_grad();
        const int64_t planes = static_cast<int64_t>(g.n) * g.c;
        const float *end = dx + t1 * g.big;
        bool blocks = true;  // false after a plane with foreign indices (3x3 windows' indices fit these sizes too)
        for (int64_t t = t0; t < t1; ++t) {
            if (blocks && k.k2s2_plane(g.hs, g.ws, g.hb, g.wb, dy + t * g.small, idx + t * g.small, dx + t * g.big,
                                       (planes - t) * g.small, end))
                continue;
            blocks = false;
            if (!c4j::scatter_planes(g, dy, idx, dx, static_cast<int>(t), static_cast<int>(t + 1), add))
                return C4J_ERR_BAD_INDEX;
        }
        return C4J_OK;
    }
    bool ok = c4j::scatter_planes(g, dy, idx, dx, t0, t1, add);
    return ok ? C4J_OK : C4J_ERR_BAD_INDEX;
}

extern "C" int c4j_max_unpool2d(const int32_t *idesc, const float *x, const int32_t *idx, float *y, int t0, int t1) {
    c4j::IndexGeo g;
    if (!c4j::load_index(idesc, g) || !c4j::in_range(static_cast<int64_t>(g.n) * g.c, t0, t1))
        return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || idx == nullptr || y == nullptr) return C4J_ERR_NULL_POINTER;
    bool ok = c4j::scatter_planes(g, x, idx, y, t0, t1, [](float &d, float s) { d = s; });
    return ok ? C4J_OK : C4J_ERR_BAD_INDEX;
}
