// Stride-1 same-size pooling by row bands (see same_band), shared by pool.cpp and pool_indices.cpp.
#ifndef CONV4J_POOL_BAND_H
#define CONV4J_POOL_BAND_H

#include <algorithm>
#include <cstdint>
#include <limits>

#include "pool/pool_rows.h"
#include "runtime/geometry.h"

namespace c4j {

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


// Argmax of every window of the band (the first maximum in row-major order, NaN wins: the rule of
// win_argmax), in row-major output order: each output row's windows inside the input as one run,
// run(i, j0, n, val, row, col, off) for outputs j0 .. j0 + n - 1 (window j0 + q: value val[q], flat offset
// row[q] * w + col[q] + off in the plane), and each clipped border window as emit(i, j, flat offset).
// v, va, hv, rowv, colv: scratch of (i1 - i0) * w values each (va, rowv, colv as int32).
template <class Emit, class Run>
void band_argmax(const PoolGeo &g, const PoolRowKernels &k, Band b, const float *xp, float *v, int32_t *va,
                 float *hv, int32_t *rowv, int32_t *colv, Emit emit, Run run) {
    const int len = (b.i1 - b.i0) * g.w;
    k.col_max(xp + static_cast<int64_t>(b.i0 - g.ph) * g.w, g.w, g.kh, len, v, va);
    k.win_argmax(v, va, len - g.kw + 1, g.kw, hv, rowv, colv);
    const int in0 = g.pw, in1 = g.w - g.kw + g.pw + 1;  // outputs whose windows lie inside the row
    for (int i = b.i0; i < b.i1; ++i) {
        const int base = (i - b.i0) * g.w;  // band cell of column 0 of output row i
        const int top = i - g.ph;           // the window's first input row
        for (int j = 0; j < g.w; ++j) {
            const int s0 = j - g.pw;
            if (j == in0 && in1 > in0) {
                const int c = base + s0;
                run(i, j, in1 - in0, hv + c, rowv + c, colv + c, top * g.w - base);
                j = in1 - 1;
                continue;
            }
            // a clipped border window, scanned with win_argmax's rule
            int bq = std::max(s0, 0);
            for (int q = bq + 1; q < std::min(s0 + g.kw, g.w); ++q) {
                const float x = v[base + q], m = v[base + bq];
                const bool tie = x == m || (x != x && m != m);
                if (x > m || (x != x && m == m) || (tie && va[base + q] < va[base + bq])) bq = q;
            }
            emit(i, j, (top + va[base + bq]) * g.w + bq);
        }
    }
}

}  // namespace c4j

#endif
