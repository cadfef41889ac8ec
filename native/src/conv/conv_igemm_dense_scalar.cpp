// The dense implicit GEMM's portable flavour: the body of conv_igemm_dense_body.inc on one float at a time.
#include <algorithm>
#include <cstring>

#include "conv/conv_igemm_dense.h"

namespace c4j {
namespace dg_scalar {
namespace {
#include "isa/vec_scalar.inc"
using vm = bool;
inline vm lanes(int64_t lo, int64_t hi) { return lo <= 0 && 0 < hi; }
inline vf mload(const float *p, vm m) { return m ? *p : 0.f; }
inline vf blend(vm m, vf a, vf b) { return m ? a : b; }
}  // namespace
}  // namespace dg_scalar
}  // namespace c4j

#define DG_NS dg_scalar
#include "conv/conv_igemm_dense_body.inc"
#undef DG_NS

namespace c4j {
IgemmDenseFn igemm_dense_scalar() { return dg_scalar::forward; }
}  // namespace c4j
