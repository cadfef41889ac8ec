// Which shapes take the implicit-GEMM forward kernel (conv_small_avx2.cpp). Kept out of the AVX2 file:
// this runs on every CPU, before anything knows whether AVX2 exists.
#include "conv/conv_small.h"

#include "conv/conv_plan.h"
#include "gemm/gemm_small.h"

namespace c4j {

namespace {
constexpr int kSlack = 16;  // floats after each padded row: a 16-wide strip may run past the last column
}

bool conv_small_fits(const ConvGeo &g) {
    return !use_direct(g) && g.sw == 1 && g.cog <= 16 && g.kg <= 256 &&
           padded_copy_affordable(g, conv_small_workspace(g));
}

bool conv_small_active(const ConvGeo &g) { return conv_small_fits(g) && small_gemm() == small_gemm_avx2; }

int64_t conv_small_workspace(const ConvGeo &g) {
    const int64_t rows = static_cast<int64_t>(g.h) + g.pt + g.pb;
    const int64_t cols = static_cast<int64_t>(g.w) + g.pl + g.pr + kSlack;
    // saturates: with padding near 2^30 on both axes the padded planes leave int64 (and are never affordable)
    if (rows > INT64_MAX / cols || g.cig > INT64_MAX / (rows * cols)) return INT64_MAX;
    return g.cig * rows * cols;
}

}  // namespace c4j
