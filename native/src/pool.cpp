// Pooling, forward and backward, max and average, one task per (image, channel) plane.
// Separable: for each output row, the kernel rows are reduced column-wise first (vectorised row
// kernels, pool_rows.h), then each output reduces its few columns. Max backward recomputes the first
// maximum of each window (PyTorch's rule) instead of storing indices.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "geometry.h"
#include "pool_rows.h"

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

// PyTorch's divisor: the window clipped to the padded input, or to the input without count_include_pad.
inline float divisor(const PoolGeo &g, int i, int j) {
    int hs = i * g.sh - g.ph, ws = j * g.sw - g.pw;
    int he = std::min(hs + g.kh, g.h + g.ph), we = std::min(ws + g.kw, g.w + g.pw);
    if (g.count_include_pad) return static_cast<float>((he - hs) * (we - ws));
    return static_cast<float>((std::min(he, g.h) - std::max(hs, 0)) * (std::min(we, g.w) - std::max(ws, 0)));
}

inline bool beats(float v, float m) { return v > m || (std::isnan(v) && !std::isnan(m)); }

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
    c4j::FloatBuffer vmax(g.w);
    if (!vmax.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * g.h * static_cast<int64_t>(g.w);
        float *yp = y + t * g.hout * static_cast<int64_t>(g.wout);
        for (int i = 0; i < g.hout; ++i) {
            c4j::Rows r = c4j::rows_of(g, i);
            k.col_max(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, vmax.get(), nullptr);
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                c4j::Rows c = c4j::cols_of(g, j);
                float m = vmax.get()[c.r0];
                for (int q = c.r0 + 1; q < c.r1; ++q) {
                    float v = vmax.get()[q];
                    if (c4j::beats(v, m)) m = v;
                }
                yr[j] = m;
            }
        }
    }
    return C4J_OK;
}

extern "C" int c4j_max_pool2d_backward(const int32_t *desc, const float *dy, const float *x, float *dx, int t0,
                                       int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || x == nullptr || dx == nullptr) return C4J_ERR_NULL_POINTER;
    c4j::FloatBuffer vmax(g.w);
    c4j::FloatBuffer vargf(g.w);  // int32 row indices, stored in a float-sized buffer
    if (!vmax.ok() || !vargf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    int32_t *varg = reinterpret_cast<int32_t *>(vargf.get());
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * g.hout * static_cast<int64_t>(g.wout);
        std::memset(dxp, 0, sizeof(float) * plane);
        for (int i = 0; i < g.hout; ++i) {
            c4j::Rows r = c4j::rows_of(g, i);
            k.col_max(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, vmax.get(), varg);
            const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                c4j::Rows c = c4j::cols_of(g, j);
                // first maximum in row-major order: best rank, then smallest row, then smallest column
                int bc = c.r0;
                float bv = vmax.get()[bc];
                int32_t ba = varg[bc];
                for (int q = c.r0 + 1; q < c.r1; ++q) {
                    float v = vmax.get()[q];
                    int32_t a = varg[q];
                    bool tie = v == bv || (std::isnan(v) && std::isnan(bv));
                    if (c4j::beats(v, bv) || (tie && a < ba)) {
                        bv = v;
                        ba = a;
                        bc = q;
                    }
                }
                dxp[static_cast<int64_t>(r.r0 + ba) * g.w + bc] += dr[j];
            }
        }
    }
    return C4J_OK;
}

extern "C" int c4j_avg_pool2d_forward(const int32_t *desc, const float *x, float *y, int t0, int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (x == nullptr || y == nullptr) return C4J_ERR_NULL_POINTER;
    c4j::FloatBuffer vsum(g.w);
    if (!vsum.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * g.h * static_cast<int64_t>(g.w);
        float *yp = y + t * g.hout * static_cast<int64_t>(g.wout);
        for (int i = 0; i < g.hout; ++i) {
            c4j::Rows r = c4j::rows_of(g, i);
            k.col_sum(xp + static_cast<int64_t>(r.r0) * g.w, g.w, r.r1 - r.r0, g.w, vsum.get());
            float *yr = yp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                c4j::Rows c = c4j::cols_of(g, j);
                float s = 0.f;
                for (int q = c.r0; q < c.r1; ++q) s += vsum.get()[q];
                yr[j] = s / c4j::divisor(g, i, j);
            }
        }
    }
    return C4J_OK;
}

extern "C" int c4j_avg_pool2d_backward(const int32_t *desc, const float *dy, float *dx, int t0, int t1) {
    PoolGeo g;
    if (!c4j::load_pool(desc, g) || !c4j::check_range(g, t0, t1)) return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || dx == nullptr) return C4J_ERR_NULL_POINTER;
    c4j::FloatBuffer rowbuf(g.w);
    if (!rowbuf.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int64_t plane = static_cast<int64_t>(g.h) * g.w;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        const float *dyp = dy + t * g.hout * static_cast<int64_t>(g.wout);
        std::memset(dxp, 0, sizeof(float) * plane);
        for (int i = 0; i < g.hout; ++i) {
            // spread the output row over the input columns once, then add it to each covered input row
            std::memset(rowbuf.get(), 0, sizeof(float) * g.w);
            const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
            for (int j = 0; j < g.wout; ++j) {
                c4j::Rows c = c4j::cols_of(g, j);
                float d = dr[j] / c4j::divisor(g, i, j);
                for (int q = c.r0; q < c.r1; ++q) rowbuf.get()[q] += d;
            }
            c4j::Rows r = c4j::rows_of(g, i);
            for (int row = r.r0; row < r.r1; ++row) k.row_add(dxp + static_cast<int64_t>(row) * g.w, rowbuf.get(), g.w);
        }
    }
    return C4J_OK;
}
