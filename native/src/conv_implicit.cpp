// Which shapes take the AVX-512 implicit-GEMM forward kernel (conv_implicit_avx512.cpp) and its
// workspace. Kept out of the AVX-512 file: this runs on every CPU, before anything knows the ISA.
#include "conv_implicit.h"

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
    const int64_t nr = (rows - 1) * g.sh + static_cast<int64_t>(g.kh - 1) * g.dh + 1;
    const int64_t mlen = g.wout + static_cast<int64_t>(g.kw - 1) * g.dw / g.sw;
    return static_cast<int64_t>(g.cig) * nr * g.sw * mlen;
}

}  // namespace c4j
