// im2col / col2im (Caffe's layout) with whole-row copies where the stride allows them.
#include "conv/im2col.h"

#include <algorithm>
#include <cstring>

namespace c4j {

namespace {

// One im2col row: kernel tap (a, b) of `plane`, output columns [q0, q1), written to dst.
inline void im2col_row(const ConvGeo &g, const float *plane, int a, int b, int64_t q0, int64_t q1, float *dst) {
    const int off = b * g.dw - g.pl;
    int vlo, vhi;
    valid_cols(g, off, vlo, vhi);
    int64_t q = q0;
    int i = static_cast<int>(q0 / g.wout), j0 = static_cast<int>(q0 % g.wout);
    // one output row (or the part of it inside [q0, q1)) per step; short rows are common, so plain loops
    // (vectorised by the compiler) rather than memcpy/memset calls
    while (q < q1) {
        const int j1 = static_cast<int>(std::min<int64_t>(g.wout, j0 + (q1 - q)));
        const int ih = i * g.sh - g.pt + a * g.dh;
        if (ih < 0 || ih >= g.h) {
            for (int j = j0; j < j1; ++j) dst[j - j0] = 0.f;
        } else {
            const float *row = plane + static_cast<int64_t>(ih) * g.w;  // index with + off
            const int lo = std::min(std::max(j0, vlo), j1), hi = std::max(std::min(j1, vhi), lo);
            for (int j = j0; j < lo; ++j) dst[j - j0] = 0.f;
            if (g.sw == 1) {
                for (int j = lo; j < hi; ++j) dst[j - j0] = row[j + off];
            } else {
                for (int j = lo; j < hi; ++j) dst[j - j0] = row[static_cast<int64_t>(j) * g.sw + off];
            }
            for (int j = hi; j < j1; ++j) dst[j - j0] = 0.f;
        }
        dst += j1 - j0;
        q += j1 - j0;
        ++i;
        j0 = 0;
    }
}

}  // namespace

void im2col_range(const ConvGeo &g, const float *x_ch, int nch, int64_t q0, int64_t q1, float *col,
                  int64_t ldcol) {
    im2col_rows(g, x_ch, 0, nch * g.khkw, q0, q1, col, ldcol);
}

void im2col_rows(const ConvGeo &g, const float *x_grp, int64_t r0, int64_t r1, int64_t q0, int64_t q1, float *col,
                 int64_t ldcol) {
    for (int64_t r = r0; r < r1; ++r) {
        const int64_t c = r / g.khkw, tap = r % g.khkw;
        im2col_row(g, x_grp + c * g.in_plane, static_cast<int>(tap / g.kw), static_cast<int>(tap % g.kw), q0, q1,
                   col + (r - r0) * ldcol);
    }
}

int64_t padded_plane(const ConvGeo &g) {
    return (static_cast<int64_t>(g.h) + g.pt + g.pb) * (static_cast<int64_t>(g.w) + g.pl + g.pr);
}

void pad_planes(const ConvGeo &g, const float *x_ch, int nch, float *xp) {
    const int64_t wp = static_cast<int64_t>(g.w) + g.pl + g.pr, hp = static_cast<int64_t>(g.h) + g.pt + g.pb;
    for (int c = 0; c < nch; ++c) {
        const float *src = x_ch + c * g.in_plane;
        float *dst = xp + c * hp * wp;
        std::memset(dst, 0, sizeof(float) * g.pt * wp);
        for (int r = 0; r < g.h; ++r) {
            float *row = dst + (static_cast<int64_t>(r) + g.pt) * wp;
            for (int j = 0; j < g.pl; ++j) row[j] = 0.f;
            std::memcpy(row + g.pl, src + static_cast<int64_t>(r) * g.w, sizeof(float) * g.w);
            for (int64_t j = g.pl + g.w; j < wp; ++j) row[j] = 0.f;
        }
        std::memset(dst + (static_cast<int64_t>(g.h) + g.pt) * wp, 0, sizeof(float) * g.pb * wp);
    }
}

void im2col_rows_padded(const ConvGeo &g, const float *xp, int64_t c_first, int64_t r0, int64_t r1, int64_t q0,
                        int64_t q1, float *col, int64_t ldcol) {
    const int64_t wp = static_cast<int64_t>(g.w) + g.pl + g.pr, plane = padded_plane(g);
    for (int64_t r = r0; r < r1; ++r) {
        const int64_t c = r / g.khkw - c_first, tap = r % g.khkw;
        const int64_t a = tap / g.kw, b = tap % g.kw;
        const float *base = xp + c * plane + a * g.dh * wp + b * g.dw;
        float *dst = col + (r - r0) * ldcol;
        int64_t q = q0, i = q0 / g.wout, j0 = q0 % g.wout;
        while (q < q1) {
            const int64_t j1 = std::min<int64_t>(g.wout, j0 + (q1 - q));
            const float *src = base + i * g.sh * wp;
            if (g.sw == 1) {
                for (int64_t j = j0; j < j1; ++j) dst[j - j0] = src[j];
            } else {
                for (int64_t j = j0; j < j1; ++j) dst[j - j0] = src[j * g.sw];
            }
            dst += j1 - j0;
            q += j1 - j0;
            ++i;
            j0 = 0;
        }
    }
}

void col2im_add(const ConvGeo &g, const float *col, int nch, float *dx_ch) {
    int64_t r = 0;
    for (int c = 0; c < nch; ++c) {
        float *plane = dx_ch + c * g.in_plane;
        for (int a = 0; a < g.kh; ++a) {
            for (int b = 0; b < g.kw; ++b, ++r) {
                const float *src = col + r * g.hw;
                int off = b * g.dw - g.pl;
                int lo, hi;
                valid_cols(g, off, lo, hi);
                for (int i = 0; i < g.hout; ++i) {
                    int ih = i * g.sh - g.pt + a * g.dh;
                    if (ih < 0 || ih >= g.h) continue;
                    float *row = plane + static_cast<int64_t>(ih) * g.w;  // index with + off, never below row
                    const float *s = src + static_cast<int64_t>(i) * g.wout;
                    if (g.sw == 1) {
                        for (int j = lo; j < hi; ++j) row[j + off] += s[j];
                    } else {
                        for (int j = lo; j < hi; ++j) row[static_cast<int64_t>(j) * g.sw + off] += s[j];
                    }
                }
            }
        }
    }
}

void col2im_add_range(const ConvGeo &g, const float *col, int64_t ldcol, int nch, int64_t q0, int64_t q1,
                      float *dx_ch) {
    int64_t r = 0;
    for (int c = 0; c < nch; ++c) {
        float *plane = dx_ch + c * g.in_plane;
        for (int a = 0; a < g.kh; ++a) {
            for (int b = 0; b < g.kw; ++b, ++r) {
                const float *src = col + r * ldcol;
                int off = b * g.dw - g.pl;
                int vlo, vhi;
                valid_cols(g, off, vlo, vhi);
                int64_t q = q0;
                while (q < q1) {
                    int i = static_cast<int>(q / g.wout);
                    int j0 = static_cast<int>(q % g.wout);
                    int j1 = static_cast<int>(std::min<int64_t>(g.wout, j0 + (q1 - q)));
                    int ih = i * g.sh - g.pt + a * g.dh;
                    if (ih >= 0 && ih < g.h) {
                        float *row = plane + static_cast<int64_t>(ih) * g.w;  // index with + off
                        int lo = std::min(std::max(j0, vlo), j1), hi = std::max(std::min(j1, vhi), lo);
                        if (g.sw == 1) {
                            for (int j = lo; j < hi; ++j) row[j + off] += src[j - j0];
                        } else {
                            for (int j = lo; j < hi; ++j) row[static_cast<int64_t>(j) * g.sw + off] += src[j - j0];
                        }
                    }
                    src += j1 - j0;
                    q += j1 - j0;
                }
            }
        }
    }
}

}  // namespace c4j
