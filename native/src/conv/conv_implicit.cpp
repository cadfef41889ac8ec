// Which shapes take the implicit-GEMM kernels (conv_implicit_avx512.cpp, conv_implicit_avx2.cpp), their
// workspace, and the redo of padded-tap NaN by the definition. Kept out of the vector files: this runs on
// every CPU, before anything knows the ISA.
#include "conv/conv_implicit.h"

#include <algorithm>
#include <cmath>

#include "conv/conv_plan.h"
#include "runtime/cpu_features.h"

namespace c4j {

bool conv_implicit_fits(const ConvGeo &g) {
    return !use_direct(g) && g.kg <= 256 && g.wout >= 8 && padded_copy_affordable(g, conv_implicit_workspace(g, g.hout));
}

bool conv_implicit_active(const ConvGeo &g) {
    return conv_implicit_fits(g) && conv_implicit_compiled() && cpu_use_avx512();
}

bool conv_implicit_avx2_active(const ConvGeo &g) {
    return conv_implicit_fits(g) && conv_implicit_avx2_compiled() && cpu_use_avx2_fma();
}

int64_t conv_implicit_workspace(const ConvGeo &g, int64_t rows) {
    // padded input rows that output rows [i0, i0 + rows) read, each split into sw phase rows of
    // wout + (kw - 1) * dw / sw floats (every column a tap can reach)
    return static_cast<int64_t>(g.cig) * conv_implicit_rows(g, rows) * g.sw * conv_implicit_mlen(g);
}

int64_t conv_implicit_wgrad_images(const ConvGeo &g) {
    const int64_t per_image = conv_implicit_workspace(g, g.hout);
    return std::max<int64_t>(1, std::min<int64_t>(g.n, (int64_t(1) << 18) / per_image));
}

int64_t conv_implicit_wgrad_padded(const ConvGeo &g) {
    return ceil_div(conv_implicit_wgrad_images(g) * conv_implicit_workspace(g, g.hout), 16) * 16;
}

int64_t conv_implicit_wgrad_workspace(const ConvGeo &g, int64_t rows) {
    return conv_implicit_wgrad_padded(g) + static_cast<int64_t>(g.cog) * rows * kPartLanes;
}

bool conv_implicit_wgrad_active(const ConvGeo &g) {
    // the partial sums (16 per dW element of a group) must stay small: 4 MiB at most. 1x1 stride-1
    // convolutions take conv_pointwise instead (s5, 8x256x56x56 -> 64, one thread: 6.3 ms against 8.4;
    // their forward stays here: 6.4 ms against 8.3 with the pointwise GEMM, which reads 256 channel
    // planes at once)
    return conv_implicit_active(g) && !g.pointwise() && static_cast<int64_t>(g.cog) * g.kg <= (int64_t(1) << 16);
}

bool conv_implicit_wgrad_avx2_active(const ConvGeo &g) {
    return conv_implicit_avx2_active(g) && !g.pointwise() && static_cast<int64_t>(g.cog) * g.kg <= (int64_t(1) << 16);
}

namespace {
// The geometry part of the backward-data predicates below; min_cig: the fewest input channels.
bool bwd_data_fits(const ConvGeo &g, int min_cig) {
    if (use_direct(g) || g.sh != 1 || g.sw != 1 || g.cig < min_cig || g.cig > 16 || g.w < 8) return false;
    if (g.pt > (g.kh - 1) * g.dh || g.pb > (g.kh - 1) * g.dh || g.pl > (g.kw - 1) * g.dw || g.pr > (g.kw - 1) * g.dw)
        return false;
    if (static_cast<int64_t>(g.cog) * g.khkw > kImplicitMaxTaps) return false;
    const ConvGeo t = conv_implicit_transposed(g);
    return padded_copy_affordable(t, conv_implicit_workspace(t, t.hout));
}
}  // namespace

bool conv_implicit_bwd_data_avx2_active(const ConvGeo &g) {
    return bwd_data_fits(g, 1) && conv_implicit_avx2_compiled() && cpu_use_avx2_fma();
}

bool conv_implicit_bwd_data_active(const ConvGeo &g) {
    // stride 1 only (otherwise dx is not a plain correlation of dy), padding within the filter's reach,
    // 4 to 16 input channels (the transposed kernel blocks them by 6; with one, LeNet's first layer, the
    // GEMM path measured faster, and with many it is fast anyway), taps of the transposed filter that fit
    return bwd_data_fits(g, 4) && conv_implicit_compiled() && cpu_use_avx512();
}

ConvGeo conv_implicit_transposed(const ConvGeo &g) {
    ConvGeo t = g;
    t.cin = g.cout;
    t.h = g.hout;
    t.w = g.wout;
    t.cout = g.cin;
    t.sh = t.sw = 1;
    t.pt = (g.kh - 1) * g.dh - g.pt;
    t.pb = (g.kh - 1) * g.dh - g.pb;
    t.pl = (g.kw - 1) * g.dw - g.pl;
    t.pr = (g.kw - 1) * g.dw - g.pr;
    t.hout = g.h;
    t.wout = g.w;
    t.cig = g.cog;
    t.cog = g.cig;
    derive_sizes(t);
    return t;
}

void conv_implicit_flip_filters(const ConvGeo &g, const float *w, float *wt) {
    for (int grp = 0; grp < g.groups; ++grp) {
        const float *wg = w + static_cast<int64_t>(grp) * g.cog * g.kg;
        float *tg = wt + static_cast<int64_t>(grp) * g.cig * g.cog * g.khkw;
        for (int co = 0; co < g.cog; ++co)
            for (int ci = 0; ci < g.cig; ++ci)
                for (int64_t k = 0; k < g.khkw; ++k)
                    tg[(static_cast<int64_t>(ci) * g.cog + co) * g.khkw + (g.khkw - 1 - k)] =
                        wg[static_cast<int64_t>(co) * g.kg + ci * g.khkw + k];
    }
}

bool conv_all_finite(const float *p, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i])) return false;
    return true;
}

void conv_redo_nan_forward(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                           int64_t img, int i0, int i1) {
    for (int64_t co = 0; co < g.cout; ++co) {
        const int64_t grp = co / g.cog;
        const float *wc = w + co * g.kg;
        const float *xg = x + (img * g.cin + grp * g.cig) * g.in_plane;
        float *yp = y + (img * g.cout + co) * g.hw;
        for (int64_t i = i0; i < i1; ++i)
            for (int64_t j = 0; j < g.wout; ++j) {
                if (!std::isnan(yp[i * g.wout + j])) continue;
                float s = bias != nullptr ? bias[co] : 0.f;
                for (int64_t c = 0; c < g.cig; ++c)
                    for (int64_t a = 0; a < g.kh; ++a) {
                        const int64_t row = i * g.sh - g.pt + a * g.dh;
                        if (row < 0 || row >= g.h) continue;
                        for (int64_t b = 0; b < g.kw; ++b) {
                            const int64_t col = j * g.sw - g.pl + b * g.dw;
                            if (col < 0 || col >= g.w) continue;
                            s += wc[(c * g.kh + a) * g.kw + b] * xg[c * g.in_plane + row * g.w + col];
                        }
                    }
                yp[i * g.wout + j] = s;
            }
    }
}

void conv_redo_nan_backward_data(const ConvGeo &g, const float *dy, const float *w, float *dx, int64_t img, int i0,
                                 int i1) {
    for (int64_t ci = 0; ci < g.cin; ++ci) {
        const int64_t grp = ci / g.cig, cl = ci % g.cig;
        float *xp = dx + (img * g.cin + ci) * g.in_plane;
        for (int64_t row = i0; row < i1; ++row)
            for (int64_t col = 0; col < g.w; ++col) {
                if (!std::isnan(xp[row * g.w + col])) continue;
                float s = 0.f;
                for (int64_t co = grp * g.cog; co < (grp + 1) * g.cog; ++co) {
                    const float *dyp = dy + (img * g.cout + co) * g.hw;
                    for (int64_t a = 0; a < g.kh; ++a) {
                        const int64_t ti = row + g.pt - a * g.dh;
                        if (ti < 0 || ti % g.sh != 0 || ti / g.sh >= g.hout) continue;
                        for (int64_t b = 0; b < g.kw; ++b) {
                            const int64_t tj = col + g.pl - b * g.dw;
                            if (tj < 0 || tj % g.sw != 0 || tj / g.sw >= g.wout) continue;
                            s += w[co * g.kg + (cl * g.kh + a) * g.kw + b] * dyp[(ti / g.sh) * g.wout + tj / g.sw];
                        }
                    }
                }
                xp[row * g.w + col] = s;
            }
    }
}

void conv_redo_nan_backward_weights(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                    int64_t r0, int64_t r1) {
    for (int64_t col = 0; col < g.cog; ++col) {
        const int64_t co = static_cast<int64_t>(grp) * g.cog + col;
        for (int64_t r = r0; r < r1; ++r) {
            float &out = dw[co * g.kg + r];
            if (!std::isnan(out)) continue;
            const int64_t c = r / g.khkw, a = (r % g.khkw) / g.kw, b = r % g.kw;
            float s = 0.f;
            for (int64_t n = 0; n < g.n; ++n) {
                const float *dyp = dy + (n * g.cout + co) * g.hw;
                const float *xp = x + (n * g.cin + static_cast<int64_t>(grp) * g.cig + c) * g.in_plane;
                for (int64_t i = 0; i < g.hout; ++i) {
                    const int64_t row = i * g.sh - g.pt + a * g.dh;
                    if (row < 0 || row >= g.h) continue;
                    for (int64_t j = 0; j < g.wout; ++j) {
                        const int64_t cc = j * g.sw - g.pl + b * g.dw;
                        if (cc < 0 || cc >= g.w) continue;
                        s += dyp[i * g.wout + j] * xp[row * g.w + cc];
                    }
                }
            }
            out = s;
        }
    }
}

}  // namespace c4j
