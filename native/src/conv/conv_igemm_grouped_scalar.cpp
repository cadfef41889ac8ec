// The grouped implicit GEMM's portable flavour: conv_igemm_grouped_body.inc on one float at a time.
#include "conv/conv_igemm_grouped.h"

namespace c4j {
namespace igg_scalar {
namespace {
#include "isa/vec_scalar.inc"
inline void gather2_impl(const float *src, float *dst, int64_t n) {
    for (int64_t m = 0; m < n; ++m) dst[m] = src[2 * m];
}
inline float hsum(vf v) { return v; }
}  // namespace
}  // namespace igg_scalar
}  // namespace c4j

#define IGG_NS igg_scalar
#include "conv/conv_igemm_grouped_body.inc"
#undef IGG_NS

namespace c4j {
const IgemmGroupedKernels *igemm_grouped_scalar() {
    static const IgemmGroupedKernels k{igg_scalar::forward<kIgNr>, igg_scalar::forward<2>, igg_scalar::weights, igg_scalar::gather2_impl, igg_scalar::W};
    return &k;
}
}  // namespace c4j
