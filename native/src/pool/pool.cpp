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

inline Rows cols_of(const PoolGeo &g, int j) {
    int s = j * g.sw - g.pw;
    return Rows{std::max(s, 0), std::min(s + g.kw, g.w)};
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
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * g.h * static_cast<int64_t>(g.w);
        float *yp = y + t * g.hout * static_cast<int64_t>(g.wout);
        for (int i = 0; i < g.hout; ++i) {
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
    if (c4j::pool_planes_avg_forward(g, x, y, t0, t1)) return C4J_OK;
    const c4j::PaddedRow pr(g);
    c4j::FloatBuffer vbuf(pr.len), hbuf(pr.len), cext(g.wout);
    if (!vbuf.ok() || !hbuf.ok() || !cext.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get(), *hs = hbuf.get();
    std::fill(v, v + pr.len, 0.f);
    int32_t *ce = reinterpret_cast<int32_t *>(cext.get());
    for (int j = 0; j < g.wout; ++j) ce[j] = c4j::col_extent(g, j);
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * g.h * static_cast<int64_t>(g.w);
        float *yp = y + t * g.hout * static_cast<int64_t>(g.wout);
        for (int i = 0; i < g.hout; ++i) {
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
    if (c4j::pool_planes_avg_backward(g, dy, dx, t0, t1)) return C4J_OK;
    c4j::FloatBuffer rowbuf(g.w);
    if (!rowbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * g.hout * static_cast<int64_t>(g.wout);
        int zeroed = 0;  // as in max backward: clear dx rows just before their first use
        for (int i = 0; i < g.hout; ++i) {
            // spread the output row over the input columns once, then add it to each covered input row
            std::memset(rowbuf.get(), 0, sizeof(float) * g.w);
            const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                c4j::Rows c = c4j::cols_of(g, j);
                float d = dr[j] / static_cast<float>(c4j::row_extent(g, i) * c4j::col_extent(g, j));
                for (int q = c.r0; q < c.r1; ++q) rowbuf.get()[q] += d;
            }
            c4j::Rows r = c4j::rows_of(g, i);
            if (r.r1 > zeroed) {
                std::memset(dxp + static_cast<int64_t>(zeroed) * g.w, 0, sizeof(float) * (r.r1 - zeroed) * g.w);
                zeroed = r.r1;
            }
            for (int row = r.r0; row < r.r1; ++row) k.row_add(dxp + static_cast<int64_t>(row) * g.w, rowbuf.get(), g.w);
        }
        if (zeroed < g.h) std::memset(dxp + static_cast<int64_t>(zeroed) * g.w, 0, sizeof(float) * (g.h - zeroed) * g.w);
    }
    return C4J_OK;
}
