// Pooling, forward and backward, max and average, one task per (image, channel) plane.
// Separable: for each output row, the kernel rows are reduced column-wise into a row padded with -inf
// (max) or 0 (sum), sliding windows of kw columns are reduced along it, and output j picks window
// j * sw; all three steps are vectorised row kernels (pool_rows.h). Max backward recomputes the first
// maximum of each window (PyTorch's rule) instead of storing indices.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/geometry.h"
#include "pool/pool_band.h"
#include "pool/pool_global.h"
#include "pool/pool_planes.h"
#include "pool/pool_rows.h"
#include "pool/pool_s1.h"
#include "pool/pool_stride1.h"

namespace c4j {
namespace {

struct Rows {
    int r0, r1;  // input rows of output row i, clipped to the input
};

inline Rows rows_of(const PoolGeo &g, int i) {
    int s = i * g.sh - g.ph;
    return Rows{std::max(s, 0), std::min(s + g.kh, g.h)};
}

// A padded row: input column q at index q + pw; -inf / 0 / INT32_MAX elsewhere. Windows start at
// j * sw (padded index). The last one starts before w + pw (the ceil-mode rule drops any other), so
// reads end before w + pw + kw whatever the stride, and n = (wout - 1) * sw + 1 <= w + pw fits an int.
// The stride-2 kernels read to 2 wout + kw + 14 <= w + pw + kw + 15 (pool_rows.h), inside len too.
struct PaddedRow {
    int64_t len;      // floats in the row
    int n;            // window starts computed
    explicit PaddedRow(const PoolGeo &g)
        : len(static_cast<int64_t>(g.w) + 2 * g.pw + g.kw + 16), n((g.wout - 1) * g.sw + 1) {}
};



bool check_range(const PoolGeo &g, int t0, int t1) {
    return t0 >= 0 && t1 >= t0 && static_cast<int64_t>(t1) <= static_cast<int64_t>(g.n) * g.c;
}

}  // namespace
}  // namespace c4j

using c4j::PoolGeo;

extern "C" int c4j_pool2d_tasks(const int32_t *desc) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g)) return 0;
    return g.n * g.c;
}

extern "C" int c4j_max_pool2d_forward(const int32_t *desc, const float *x, float *y, int t0, int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || y == nullptr) return C4J_ERR_NULL_POINTER;
    if (c4j::pool_planes_max_forward(g, x, y, t0, t1)) return C4J_OK;
    if (c4j::s1_applies(g)) return c4j::s1_max_forward_tasks(g, x, y, t0, t1);
    if (c4j::stride1_applies(g)) {
        c4j::Stride1Scratch s(g);
        if (!s.ok()) return C4J_ERR_OUT_OF_MEMORY;
        const c4j::PoolRowKernels &k = c4j::pool_rows();
        for (int64_t t = t0; t < t1; ++t) {
            s.max_forward(g, k, x + t * g.h * static_cast<int64_t>(g.w), y + t * g.hout * static_cast<int64_t>(g.wout));
        }
        return C4J_OK;
    }
    const c4j::PaddedRow pr(g);
    c4j::FloatBuffer vbuf(pr.len), hbuf(pr.len);
    if (!vbuf.ok() || !hbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get(), *hm = hbuf.get();
    std::fill(v, v + pr.len, -std::numeric_limits<float>::infinity());
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const c4j::Band band = c4j::same_band(g);
    c4j::FloatBuffer bandbuf(band.i1 > band.i0 ? static_cast<int64_t>(band.i1 - band.i0) * g.w : 1);
    if (!bandbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * g.h * static_cast<int64_t>(g.w);
        float *yp = y + t * g.hout * static_cast<int64_t>(g.wout);
        if (band.i1 > band.i0) c4j::band_forward<true>(g, k, band, xp, yp, bandbuf.get());
        for (int i = 0; i < g.hout; ++i) {
            if (i == band.i0 && band.i1 > band.i0) i = band.i1;
            if (i >= g.hout) break;
            c4j::Rows r = c4j::rows_of(g, i);
            k.col_max(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, v + g.pw, nullptr);
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
            if (g.sw == 2) {  // only the kept windows, straight into y
                k.win_max_s2(v, g.wout, g.kw, yr);
                continue;
            }
            k.win_max(v, pr.n, g.kw, hm);
            for (int j = 0; j < g.wout; ++j) yr[j] = hm[static_cast<int64_t>(j) * g.sw];
        }
    }
    return C4J_OK;
}

extern "C" int c4j_max_pool2d_backward(const int32_t *desc, const float *dy, const float *x, float *dx, int t0,
                                       int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || x == nullptr || dx == nullptr) return C4J_ERR_NULL_POINTER;
    if (c4j::pool_planes_max_backward(g, dy, x, dx, t0, t1)) return C4J_OK;
    if (c4j::s1_applies(g)) return c4j::s1_max_backward_tasks(g, dy, x, dx, t0, t1);
    if (c4j::stride1_applies(g)) {
        // each window's first maximum, then its gradient added there in row-major window order from a
        // cleared plane (the order of the per-row path below: the same sums)
        const int64_t plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
        c4j::Stride1Scratch s(g);
        c4j::FloatBuffer vals(oplane), ibuf(oplane);
        if (!s.ok() || !vals.ok() || !ibuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
        int32_t *at = reinterpret_cast<int32_t *>(ibuf.get());  // int32 in float-sized, aligned storage
        const c4j::PoolRowKernels &k = c4j::pool_rows();
        for (int64_t t = t0; t < t1; ++t) {
            s.argmax(g, k, x + t * plane, vals.get(), at);
            float *dxp = dx + t * plane;
            const float *dyp = dy + t * oplane;
            std::memset(dxp, 0, sizeof(float) * static_cast<size_t>(plane));
            for (int64_t q = 0; q < oplane; ++q) dxp[at[q]] += dyp[q];
        }
        return C4J_OK;
    }
    const c4j::PaddedRow pr(g);
    // value and first row of the column maxima (padded), then per window: value, row, column
    c4j::FloatBuffer vbuf(pr.len), abuf(pr.len), hv(pr.len), hr(pr.len), hc(pr.len);
    if (!vbuf.ok() || !abuf.ok() || !hv.ok() || !hr.ok() || !hc.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get();
    int32_t *va = reinterpret_cast<int32_t *>(abuf.get());  // int32 in float-sized, aligned storage
    int32_t *rowv = reinterpret_cast<int32_t *>(hr.get());
    int32_t *colv = reinterpret_cast<int32_t *>(hc.get());
    std::fill(v, v + pr.len, -std::numeric_limits<float>::infinity());
    std::fill(va, va + pr.len, std::numeric_limits<int32_t>::max());  // padding never wins a tie
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    const c4j::Band band = c4j::same_band(g);
    const int64_t blen = band.i1 > band.i0 ? static_cast<int64_t>(band.i1 - band.i0) * g.w : 1;
    c4j::FloatBuffer bv(blen), ba(blen), bh(blen), br(blen), bc(blen);
    if (!bv.ok() || !ba.ok() || !bh.ok() || !br.ok() || !bc.ok()) return C4J_ERR_OUT_OF_MEMORY;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * g.hout * static_cast<int64_t>(g.wout);
        int zeroed = 0;  // dx rows [0, zeroed) are cleared: clear each just before its first use, in cache
        for (int i = 0; i < g.hout; ++i) {
            if (i == band.i0 && band.i1 > band.i0) {
                // the band's windows end by row i1 - ph + kh - 1 at the latest: clear up to there, then add
                // every band window's gradient at its argmax, in output row-major order as below
                const int rend = band.i1 - 1 - g.ph + g.kh;
                if (rend > zeroed) {
                    std::memset(dxp + static_cast<int64_t>(zeroed) * g.w, 0, sizeof(float) * (rend - zeroed) * g.w);
                    zeroed = rend;
                }
                c4j::band_argmax(g, k, band, xp, bv.get(), reinterpret_cast<int32_t *>(ba.get()), bh.get(),
                                 reinterpret_cast<int32_t *>(br.get()), reinterpret_cast<int32_t *>(bc.get()),
                                 [&](int oi, int oj, int at) { dxp[at] += dyp[static_cast<int64_t>(oi) * g.wout + oj]; },
                                 [&](int oi, int j0, int cnt, const float *, const int32_t *row, const int32_t *col, int off) {
                                     const float *dr = dyp + static_cast<int64_t>(oi) * g.wout + j0;
                                     for (int q = 0; q < cnt; ++q) dxp[row[q] * g.w + col[q] + off] += dr[q];
                                 });
                i = band.i1 - 1;
                continue;
            }
            c4j::Rows r = c4j::rows_of(g, i);
            if (r.r1 > zeroed) {
                std::memset(dxp + static_cast<int64_t>(zeroed) * g.w, 0, sizeof(float) * (r.r1 - zeroed) * g.w);
                zeroed = r.r1;
            }
            k.col_max(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, v + g.pw, va + g.pw);
            const int64_t step = g.sw == 2 ? 1 : g.sw;  // stride 2: only the kept windows, at j
            if (g.sw == 2) {
                k.win_argmax_s2(v, va, g.wout, g.kw, hv.get(), rowv, colv);
            } else {
                k.win_argmax(v, va, pr.n, g.kw, hv.get(), rowv, colv);
            }
            const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                int64_t c = static_cast<int64_t>(j) * step;
                // the winner is a real cell: every window holds one, and padding loses every tie
                dxp[static_cast<int64_t>(r.r0 + rowv[c]) * g.w + (colv[c] - g.pw)] += dr[j];
            }
        }
        if (zeroed < g.h) std::memset(dxp + static_cast<int64_t>(zeroed) * g.w, 0, sizeof(float) * (g.h - zeroed) * g.w);
    }
    return C4J_OK;
}

extern "C" int c4j_avg_pool2d_forward(const int32_t *desc, const float *x, float *y, int t0, int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || y == nullptr) return C4J_ERR_NULL_POINTER;
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    if (c4j::pool_is_global(g)) {
        c4j::pool_global().avg_forward(x + t0 * plane, t1 - t0, plane, y + t0);
        return C4J_OK;
    }
    if (c4j::pool_planes_avg_forward(g, x, y, t0, t1)) return C4J_OK;
    if (c4j::s1_applies(g)) return c4j::s1_avg_forward_tasks(g, x, y, t0, t1);
    const c4j::PaddedRow pr(g);
    c4j::FloatBuffer vbuf(pr.len), hbuf(pr.len), cext(g.wout);
    if (!vbuf.ok() || !hbuf.ok() || !cext.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get(), *hs = hbuf.get();
    std::fill(v, v + pr.len, 0.f);
    int32_t *ce = reinterpret_cast<int32_t *>(cext.get());
    for (int j = 0; j < g.wout; ++j) ce[j] = c4j::col_extent(g, j);
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const c4j::Band band = c4j::same_band(g);
    c4j::FloatBuffer bandbuf(band.i1 > band.i0 ? static_cast<int64_t>(band.i1 - band.i0) * g.w : 1);
    if (!bandbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *yp = y + t * g.hout * static_cast<int64_t>(g.wout);
        if (band.i1 > band.i0) c4j::band_forward<false>(g, k, band, xp, yp, bandbuf.get());
        for (int i = 0; i < g.hout; ++i) {
            if (i == band.i0 && band.i1 > band.i0) i = band.i1;
            if (i >= g.hout) break;
            c4j::Rows r = c4j::rows_of(g, i);
            k.col_sum(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, v + g.pw);
            const int re = c4j::row_extent(g, i);
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
            if (g.sw == 2) {  // only the kept windows
                k.win_sum_s2(v, g.wout, g.kw, hs);
                for (int j = 0; j < g.wout; ++j) yr[j] = hs[j] / static_cast<float>(re * ce[j]);
                continue;
            }
            k.win_sum(v, pr.n, g.kw, hs);
            for (int j = 0; j < g.wout; ++j) yr[j] = hs[static_cast<int64_t>(j) * g.sw] / static_cast<float>(re * ce[j]);
        }
    }
    return C4J_OK;
}

extern "C" int c4j_avg_pool2d_backward(const int32_t *desc, const float *dy, float *dx, int t0, int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || dx == nullptr) return C4J_ERR_NULL_POINTER;
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    if (c4j::pool_is_global(g)) {
        c4j::pool_global().avg_backward(dy + t0, t1 - t0, plane, dx + t0 * plane);
        return C4J_OK;
    }
    if (c4j::pool_planes_avg_backward(g, dy, dx, t0, t1)) return C4J_OK;
    if (c4j::s1_applies(g)) return c4j::s1_avg_backward_tasks(g, dy, dx, t0, t1);
    // Gather, separably: the divisor of window (i, j) is row_extent(i) * col_extent(j), so
    //   dx[r][c] = sum over output rows i covering r of U_i[c],  U_i[c] = sum over output columns j covering c
    //   of dy[i][j] / (row_extent(i) * col_extent(j)).
    // Per plane: every U_i (a row of w floats) once, then each dx row once as the column sum of the U rows
    // covering it (a contiguous range of i); dx is written once, never cleared, never scattered into.
    const int64_t wout = g.wout;
    const int64_t tlen = wout + 2LL * g.kw + 16;  // scaled dy row with kw - 1 - pw zeros in front (stride 1)
    c4j::FloatBuffer ubuf(static_cast<int64_t>(g.hout) * g.w), tbuf(tlen), inv_c(wout), inv_r(g.hout),
        span(2 * static_cast<int64_t>(g.w) + 2 * static_cast<int64_t>(g.h));
    if (!ubuf.ok() || !tbuf.ok() || !inv_c.ok() || !inv_r.ok() || !span.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *u = ubuf.get(), *tp = tbuf.get();
    for (int j = 0; j < g.wout; ++j) inv_c.get()[j] = 1.f / static_cast<float>(c4j::col_extent(g, j));
    for (int i = 0; i < g.hout; ++i) inv_r.get()[i] = 1.f / static_cast<float>(c4j::row_extent(g, i));
    // covering ranges: output indices [lo, hi) whose windows hold input column c (row r)
    int32_t *clo = reinterpret_cast<int32_t *>(span.get()), *chi = clo + g.w, *rlo = chi + g.w, *rhi = rlo + g.h;
    auto cover = [](int q, int pad, int k, int s, int out, int32_t &lo, int32_t &hi) {
        const int64_t a = static_cast<int64_t>(q) + pad - k;  // window o covers q iff o*s in (a, q + pad]
        int64_t l = a < 0 ? 0 : a / s + 1;
        int64_t h = (static_cast<int64_t>(q) + pad) / s + 1;
        lo = static_cast<int32_t>(std::min<int64_t>(l, out));
        hi = static_cast<int32_t>(std::max<int64_t>(lo, std::min<int64_t>(h, out)));
    };
    for (int c = 0; c < g.w; ++c) cover(c, g.pw, g.kw, g.sw, g.wout, clo[c], chi[c]);
    for (int r = 0; r < g.h; ++r) cover(r, g.ph, g.kh, g.sh, g.hout, rlo[r], rhi[r]);
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int lead = g.kw - 1 - g.pw;  // stride 1: U[c] = sum of tp[c .. c + kw) with tp[j + lead] = t[j]
    std::fill(tp, tp + tlen, 0.f);
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * g.hout * wout;
        for (int i = 0; i < g.hout; ++i) {
            const float *dr = dyp + i * wout;
            float *ui = u + static_cast<int64_t>(i) * g.w;
            const float ri = inv_r.get()[i];
            if (g.sw == 1) {
                float *tj = tp + lead;
                for (int j = 0; j < g.wout; ++j) tj[j] = dr[j] * (ri * inv_c.get()[j]);
                k.win_sum(tp, g.w, g.kw, ui);
            } else {
                for (int c = 0; c < g.w; ++c) {
                    float s = 0.f;
                    for (int j = clo[c]; j < chi[c]; ++j) s += dr[j] * (ri * inv_c.get()[j]);
                    ui[c] = s;
                }
            }
        }
        for (int r = 0; r < g.h; ++r) {
            float *dr = dxp + static_cast<int64_t>(r) * g.w;
            if (rhi[r] > rlo[r]) {
                k.col_sum(u + static_cast<int64_t>(rlo[r]) * g.w, g.w, rhi[r] - rlo[r], g.w, dr);
            } else {
                std::memset(dr, 0, sizeof(float) * static_cast<size_t>(g.w));  // a row no window reaches
            }
        }
    }
    return C4J_OK;
}
