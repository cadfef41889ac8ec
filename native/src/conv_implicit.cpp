// Which shapes take the AVX-512 implicit-GEMM forward kernel (conv_implicit_avx512.cpp) and its
// workspace. Kept out of the AVX-512 file: this runs on every CPU, before anything knows the ISA.
#include "conv_implicit.h"

#include <algorithm>

#include "conv_plan.h"
#include "cpu_features.h"

namespace c4j {

bool conv_implicit_fits(const ConvGeo &g) { return !use_direct(g) && g.kg <= 256 && g.wout >= 8; }

bool conv_implicit_active(const ConvGeo &g) {
    return conv_implicit_fits(g) && conv_implicit_compiled() && cpu_has_avx512() && !cpu_scalar_forced();
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
    // the partial sums (16 per dW element of a group) must stay small: 4 MiB at most
    return conv_implicit_active(g) && static_cast<int64_t>(g.cog) * g.kg <= (int64_t(1) << 16);
}

}  // namespace c4j
