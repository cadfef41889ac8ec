// Direct convolution loops: each inner loop runs along an output row so it vectorises for stride 1.
#include "conv/conv_direct.h"

#include <cstring>

#include "conv/im2col.h"

namespace c4j {

void direct_forward_plane(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y, int64_t t) {
    int64_t img = t / g.cout;
    int co = static_cast<int>(t % g.cout);
    int grp = co / g.cog;
    float *yp = y + t * g.hw;
    float b0 = bias != nullptr ? bias[co] : 0.f;
    for (int64_t q = 0; q < g.hw; ++q) yp[q] = b0;
    for (int c = 0; c < g.cig; ++c) {
        const float *xp = x + (img * g.cin + grp * g.cig + c) * g.in_plane;
        const float *wp = w + (static_cast<int64_t>(co) * g.cig + c) * g.khkw;
        for (int a = 0; a < g.kh; ++a) {
            for (int b = 0; b < g.kw; ++b) {
                float wv = wp[a * g.kw + b];
                int off = b * g.dw - g.pl;
                int lo, hi;
                valid_cols(g, off, lo, hi);
                for (int i = 0; i < g.hout; ++i) {
                    int ih = i * g.sh - g.pt + a * g.dh;
                    if (ih < 0 || ih >= g.h) continue;
                    const float *row = xp + static_cast<int64_t>(ih) * g.w;
                    float *yr = yp + static_cast<int64_t>(i) * g.wout;
                    if (g.sw == 1) {
                        for (int j = lo; j < hi; ++j) yr[j] += wv * row[j + off];
                    } else {
                        for (int j = lo; j < hi; ++j) yr[j] += wv * row[static_cast<int64_t>(j) * g.sw + off];
                    }
                }
            }
        }
    }
}

void direct_backward_data_plane(const ConvGeo &g, const float *dy, const float *w, float *dx, int64_t t) {
    int64_t img = t / g.cin;
    int ci = static_cast<int>(t % g.cin);
    int grp = ci / g.cig, c = ci % g.cig;
    float *dxp = dx + t * g.in_plane;
    std::memset(dxp, 0, sizeof(float) * g.in_plane);
    for (int k = 0; k < g.cog; ++k) {
        int co = grp * g.cog + k;
        const float *dyp = dy + (img * g.cout + co) * g.hw;
        const float *wp = w + (static_cast<int64_t>(co) * g.cig + c) * g.khkw;
        for (int a = 0; a < g.kh; ++a) {
            for (int b = 0; b < g.kw; ++b) {
                float wv = wp[a * g.kw + b];
                int off = b * g.dw - g.pl;
                int lo, hi;
                valid_cols(g, off, lo, hi);
                for (int i = 0; i < g.hout; ++i) {
                    int ih = i * g.sh - g.pt + a * g.dh;
                    if (ih < 0 || ih >= g.h) continue;
                    float *row = dxp + static_cast<int64_t>(ih) * g.w;
                    const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
                    if (g.sw == 1) {
                        for (int j = lo; j < hi; ++j) row[j + off] += wv * dr[j];
                    } else {
                        for (int j = lo; j < hi; ++j) row[static_cast<int64_t>(j) * g.sw + off] += wv * dr[j];
                    }
                }
            }
        }
    }
}

void direct_backward_weights_filter(const ConvGeo &g, const float *dy, const float *x, float *dw, int co) {
    int grp = co / g.cog;
    for (int c = 0; c < g.cig; ++c) {
        for (int a = 0; a < g.kh; ++a) {
            for (int b = 0; b < g.kw; ++b) {
                int off = b * g.dw - g.pl;
                int lo, hi;
                valid_cols(g, off, lo, hi);
                double total = 0;  // n*hout*wout terms: accumulate rows in float, rows in double
                for (int64_t img = 0; img < g.n; ++img) {
                    const float *xp = x + (img * g.cin + grp * g.cig + c) * g.in_plane;
                    const float *dyp = dy + (img * g.cout + co) * g.hw;
                    for (int i = 0; i < g.hout; ++i) {
                        int ih = i * g.sh - g.pt + a * g.dh;
                        if (ih < 0 || ih >= g.h) continue;
                        const float *row = xp + static_cast<int64_t>(ih) * g.w;
                        const float *dr = dyp + static_cast<int64_t>(i) * g.wout;
                        float s = 0.f;
                        if (g.sw == 1) {
                            for (int j = lo; j < hi; ++j) s += dr[j] * row[j + off];
                        } else {
                            for (int j = lo; j < hi; ++j) s += dr[j] * row[static_cast<int64_t>(j) * g.sw + off];
                        }
                        total += s;
                    }
                }
                dw[(static_cast<int64_t>(co) * g.cig + c) * g.khkw + a * g.kw + b] = static_cast<float>(total);
            }
        }
    }
}

}  // namespace c4j
