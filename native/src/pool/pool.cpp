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
#include "pool/pool_global.h"
#include "pool/pool_planes.h"
#include "pool/pool_rows.h"

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
struct PaddedRow {
    int64_t len;      // floats in the row
    int n;            // window starts computed
    explicit PaddedRow(const PoolGeo &g)
        : len(static_cast<int64_t>(g.w) + 2 * g.pw + g.kw + 16), n((g.wout - 1) * g.sw + 1) {}
};

// Column extent of window j (PyTorch's divisor factors into a row extent and a column extent).
inline int col_extent(const PoolGeo &g, int j) {
    int ws = j * g.sw - g.pw;
    int we = std::min(ws + g.kw, g.w + g.pw);
    return g.count_include_pad ? we - ws : std::min(we, g.w) - std::max(ws, 0);
}

inline int row_extent(const PoolGeo &g, int i) {
    int hs = i * g.sh - g.ph;
    int he = std::min(hs + g.kh, g.h + g.ph);
    return g.count_include_pad ? he - hs : std::min(he, g.h) - std::max(hs, 0);
}

// Stride-1 "same" pooling (kw = 2 pw + 1, so wout = w; Inception's 3x3 stride 1 padding 1): the output rows
// whose windows lie inside the input in height form one band, and because a plane's rows are contiguous the
// band is reduced as one long row: the column reduction over kh rows for every band cell in one row-kernel
// call, then the sliding reduction over kw columns in one call, written straight into y (y row i at
// column j is band cell (i - i0) * w + j - pw). Windows that straddle two rows land on the pw border columns
// of each row, which are then recomputed with their clipped windows. The same kernels in the same order as
// the per-row path: the same bits. Returns the band [i0, i1) (empty when the shape does not qualify).
struct Band {
    int i0, i1;
};

inline Band same_band(const PoolGeo &g) {
    if (g.sh != 1 || g.sw != 1 || g.kw != 2 * g.pw + 1 || g.wout != g.w) return Band{0, 0};
    const int i0 = g.ph;                                // first row whose window starts inside the input
    const int i1 = std::min(g.hout, g.h + g.ph - g.kh + 1);  // one past the last whose window ends inside
    return i1 - i0 >= 2 ? Band{i0, i1} : Band{0, 0};   // a single row gains nothing
}

// The band of one plane: column reductions into v, then window reductions into y (see same_band).
template <bool kMax>
void band_forward(const PoolGeo &g, const PoolRowKernels &k, Band b, const float *xp, float *yp, float *v) {
    const int len = (b.i1 - b.i0) * g.w;  // the band's cells; fits an int (a plane does)
    const float *top = xp + static_cast<int64_t>(b.i0 - g.ph) * g.w;
    float *yb = yp + static_cast<int64_t>(b.i0) * g.w;
    if (kMax) {
        k.col_max(top, g.w, g.kh, len, v, nullptr);
        k.win_max(v, len - g.kw + 1, g.kw, yb + g.pw);
    } else {
        k.col_sum(top, g.w, g.kh, len, v);
        k.win_sum(v, len - g.kw + 1, g.kw, yb + g.pw);
        const float full = static_cast<float>(g.kh * g.kw);
        for (int c = g.pw; c < g.pw + len - g.kw + 1; ++c) yb[c] /= full;
    }
    // the clipped windows of the border columns, as the per-row path's padded row computes them
    for (int i = 0; i < b.i1 - b.i0; ++i) {
        const float *vr = v + static_cast<int64_t>(i) * g.w;
        float *yr = yb + static_cast<int64_t>(i) * g.w;
        for (int j = 0; j < g.w; ++j) {
            if (j == g.pw && g.w - g.pw > g.pw) j = g.w - g.pw;  // skip the inner columns
            if (j >= g.w) break;                                 // pw = 0: no border columns
            const int s0 = j - g.pw;
            if (kMax) {
                float m = -std::numeric_limits<float>::infinity();
                for (int q = s0; q < s0 + g.kw; ++q) {
                    const float c = q >= 0 && q < g.w ? vr[q] : -std::numeric_limits<float>::infinity();
                    if (c > m || (c != c && m == m)) m = c;
                }
                yr[j] = m;
            } else {
                float sum = s0 >= 0 && s0 < g.w ? vr[s0] : 0.f;
                for (int q = s0 + 1; q < s0 + g.kw; ++q) sum += q >= 0 && q < g.w ? vr[q] : 0.f;
                yr[j] = sum / static_cast<float>(row_extent(g, b.i0 + i) * col_extent(g, j));
            }
        }
    }
}

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
            k.win_max(v, pr.n, g.kw, hm);
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
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
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * g.hout * static_cast<int64_t>(g.wout);
        int zeroed = 0;  // dx rows [0, zeroed) are cleared: clear each just before its first use, in cache
        for (int i = 0; i < g.hout; ++i) {
            c4j::Rows r = c4j::rows_of(g, i);
            if (r.r1 > zeroed) {
                std::memset(dxp + static_cast<int64_t>(zeroed) * g.w, 0, sizeof(float) * (r.r1 - zeroed) * g.w);
                zeroed = r.r1;
            }
            k.col_max(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, v + g.pw, va + g.pw);
            k.win_argmax(v, va, pr.n, g.kw, hv.get(), rowv, colv);
            const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                int64_t c = static_cast<int64_t>(j) * g.sw;
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
            k.win_sum(v, pr.n, g.kw, hs);
            const int re = c4j::row_extent(g, i);
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
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
