// Which shapes take the AVX-512 implicit-GEMM forward kernel (conv_implicit_avx512.cpp) and its
// workspace. Kept out of the AVX-512 file: this runs on every CPU, before anything knows the ISA.
#include "conv/conv_implicit.h"

#include <algorithm>

#include "conv/conv_plan.h"
#include "runtime/cpu_features.h"

namespace c4j {

bool conv_implicit_fits(const ConvGeo &g) {
    return !use_direct(g) && g.kg <= 256 && g.wout >= 8 && padded_copy_affordable(g, conv_implicit_workspace(g, g.hout));
}

bool conv_implicit_active(const ConvGeo &g) {
    return conv_implicit_fits(g) && conv_implicit_compiled() && cpu_use_avx512();
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
    return conv_implicit_wgrad_padded(g) + static_cast<int64_t>(g.cog) * rows * 16;
}

bool conv_implicit_wgrad_active(const ConvGeo &g) {
    // the partial sums (16 per dW element of a group) must stay small: 4 MiB at most. 1x1 stride-1
    // convolutions take conv_pointwise instead (s5, 8x256x56x56 -> 64, one thread: 6.3 ms against 8.4;
    // their forward stays here: 6.4 ms against 8.3 with the pointwise GEMM, which reads 256 channel
    // planes at once)
    return conv_implicit_active(g) && !g.pointwise() && static_cast<int64_t>(g.cog) * g.kg <= (int64_t(1) << 16);
}

bool conv_implicit_bwd_data_active(const ConvGeo &g) {
    // stride 1 only (otherwise dx is not a plain correlation of dy), padding within the filter's reach,
    // 4 to 16 input channels (the transposed kernel blocks them by 6; with one, LeNet's first layer, the
    // GEMM path measured faster, and with many it is fast anyway), taps of the transposed filter that fit
    if (use_direct(g) || g.sh != 1 || g.sw != 1 || g.cig < 4 || g.cig > 16 || g.w < 8) return false;
    if (g.pt > (g.kh - 1) * g.dh || g.pb > (g.kh - 1) * g.dh || g.pl > (g.kw - 1) * g.dw || g.pr > (g.kw - 1) * g.dw)
        return false;
    if (static_cast<int64_t>(g.cog) * g.khkw > kImplicitMaxTaps) return false;
    const ConvGeo t = conv_implicit_transposed(g);
    if (!padded_copy_affordable(t, conv_implicit_workspace(t, t.hout))) return false;
    return conv_implicit_compiled() && cpu_use_avx512();
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
    t.hw = static_cast<int64_t>(g.h) * g.w;
    t.kg = static_cast<int64_t>(g.cog) * g.khkw;
    t.in_plane = g.hw;
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

}  // namespace c4j
