// Adaptive average and max pooling (PyTorch's windows: rows [floor(i*H/HOUT), ceil((i+1)*H/HOUT)),
// columns likewise), one task per (image, channel) plane.
//
// Separable like the fixed-window kernels of pool.cpp: per output row, the window's input rows are reduced
// column-wise with the vectorised row kernels of pool_rows.h (sum, or max with the first row reaching it);
// each output column then reduces its column range of that row. The average gradient gathers: per output
// row, every input column receives the sum of dy / count over the output columns whose windows cover it
// (one row, built once), and that row is added to each input row the output row covers; no scatter per
// window.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "conv4j/conv4j_cpu.h"
#include "pool/pool_global.h"
#include "pool/pool_rows.h"
#include "runtime/buffer.h"
#include "runtime/geometry.h"

namespace c4j {
namespace {

struct AdaptiveGeo {
    int n, c, h, w, hout, wout;
};

bool load_adaptive(const int32_t *d, AdaptiveGeo &g) {
    if (d == nullptr) return false;
    g.n = d[C4J_APOOL_N];
    g.c = d[C4J_APOOL_C];
    g.h = d[C4J_APOOL_H];
    g.w = d[C4J_APOOL_W];
    g.hout = d[C4J_APOOL_HOUT];
    g.wout = d[C4J_APOOL_WOUT];
    if (g.n < 1 || g.c < 1 || g.h < 1 || g.w < 1 || g.hout < 1 || g.wout < 1) return false;
    const int64_t planes = static_cast<int64_t>(g.n) * g.c;
    const int64_t limit = std::numeric_limits<int32_t>::max();
    return static_cast<int64_t>(g.h) * g.w <= limit / planes && static_cast<int64_t>(g.hout) * g.wout <= limit / planes;
}

bool in_range(const AdaptiveGeo &g, int t0, int t1) {
    return t0 >= 0 && t1 >= t0 && t1 <= static_cast<int64_t>(g.n) * g.c;
}

inline int start(int i, int in, int out) { return static_cast<int>(static_cast<int64_t>(i) * in / out); }
inline int end(int i, int in, int out) {
    return static_cast<int>((static_cast<int64_t>(i + 1) * in + out - 1) / out);
}

}  // namespace
}  // namespace c4j

extern "C" int c4j_adaptive_pool2d_tasks(const int32_t *adesc) {
    c4j::AdaptiveGeo g;
    if (!c4j::load_adaptive(adesc, g)) return 0;
    return g.n * g.c;
}

extern "C" int c4j_adaptive_avg_pool2d_forward(const int32_t *adesc, const float *x, float *y, int t0, int t1) {
    c4j::AdaptiveGeo g;
    if (!c4j::load_adaptive(adesc, g) || !c4j::in_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || y == nullptr) return C4J_ERR_NULL_POINTER;
    if (g.hout == 1 && g.wout == 1) {  // global average: the plane reduction
        const int64_t hw = static_cast<int64_t>(g.h) * g.w;
        c4j::pool_global().avg_forward(x + t0 * hw, t1 - t0, hw, y + t0);
        return C4J_OK;
    }
    c4j::FloatBuffer vbuf(g.w);
    if (!vbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get();
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    const int64_t oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *yp = y + t * oplane;
        for (int i = 0; i < g.hout; ++i) {
            const int r0 = c4j::start(i, g.h, g.hout), r1 = c4j::end(i, g.h, g.hout);
            k.col_sum(xp + static_cast<int64_t>(r0) * g.w, g.w, r1 - r0, g.w, v);
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                const int c0 = c4j::start(j, g.w, g.wout), c1 = c4j::end(j, g.w, g.wout);
                float s = 0.f;
                for (int q = c0; q < c1; ++q) s += v[q];
                yr[j] = s / static_cast<float>((r1 - r0) * (c1 - c0));
            }
        }
    }
    return C4J_OK;
}

extern "C" int c4j_adaptive_avg_pool2d_backward(const int32_t *adesc, const float *dy, float *dx, int t0, int t1) {
    c4j::AdaptiveGeo g;
    if (!c4j::load_adaptive(adesc, g) || !c4j::in_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || dx == nullptr) return C4J_ERR_NULL_POINTER;
    if (g.hout == 1 && g.wout == 1) {
        const int64_t hw = static_cast<int64_t>(g.h) * g.w;
        c4j::pool_global().avg_backward(dy + t0, t1 - t0, hw, dx + t0 * hw);
        return C4J_OK;
    }
    c4j::FloatBuffer rowbuf(g.w);
    if (!rowbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *row = rowbuf.get();
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    const int64_t oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * oplane;
        std::memset(dxp, 0, sizeof(float) * static_cast<size_t>(plane));
        for (int i = 0; i < g.hout; ++i) {
            const int r0 = c4j::start(i, g.h, g.hout), r1 = c4j::end(i, g.h, g.hout);
            std::memset(row, 0, sizeof(float) * static_cast<size_t>(g.w));
            const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                const int c0 = c4j::start(j, g.w, g.wout), c1 = c4j::end(j, g.w, g.wout);
                const float d = dr[j] / static_cast<float>((r1 - r0) * (c1 - c0));
                for (int q = c0; q < c1; ++q) row[q] += d;
            }
            for (int r = r0; r < r1; ++r) k.row_add(dxp + static_cast<int64_t>(r) * g.w, row, g.w);
        }
    }
    return C4J_OK;
}

extern "C" int c4j_adaptive_max_pool2d_forward(const int32_t *adesc, const float *x, float *y, int32_t *idx, int t0,
                                               int t1) {
    c4j::AdaptiveGeo g;
    if (!c4j::load_adaptive(adesc, g) || !c4j::in_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || y == nullptr) return C4J_ERR_NULL_POINTER;
    c4j::FloatBuffer vbuf(g.w), abuf(g.w);
    if (!vbuf.ok() || !abuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    float *v = vbuf.get();
    int32_t *va = reinterpret_cast<int32_t *>(abuf.get());
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    const int64_t oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *yp = y + t * oplane;
        for (int i = 0; i < g.hout; ++i) {
            const int r0 = c4j::start(i, g.h, g.hout), r1 = c4j::end(i, g.h, g.hout);
            k.col_max(xp + static_cast<int64_t>(r0) * g.w, g.w, r1 - r0, g.w, v, va);
            for (int j = 0; j < g.wout; ++j) {
                const int c0 = c4j::start(j, g.w, g.wout), c1 = c4j::end(j, g.w, g.wout);
                // first maximum in row-major order: best value (a NaN beats every number), then smallest row;
                // columns come in increasing order, so a tie on the row keeps the earlier column
                int bc = c0;
                for (int q = c0 + 1; q < c1; ++q) {
                    const float a = v[q], b = v[bc];
                    const bool an = std::isnan(a), bn = std::isnan(b);
                    const bool tie = a == b || (an && bn);
                    if (a > b || (an && !bn) || (tie && va[q] < va[bc])) bc = q;
                }
                const int32_t at = (r0 + va[bc]) * g.w + bc;
                yp[static_cast<int64_t>(i) * g.wout + j] = xp[at];
                if (idx != nullptr) idx[t * oplane + static_cast<int64_t>(i) * g.wout + j] = at;
            }
        }
    }
    return C4J_OK;
}
