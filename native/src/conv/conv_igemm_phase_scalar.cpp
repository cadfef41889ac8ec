// The phase-plane implicit GEMM's portable flavour: the body of conv_igemm_phase_body.inc on one float at a time.
#include <algorithm>
#include <cstring>
#include <vector>

#include "conv/conv_dw.h"
#include "conv/conv_igemm_phase.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace ig_scalar {
namespace {
#include "isa/vec_scalar.inc"
[[maybe_unused]] inline double hsum(vf v) { return v; }
}  // namespace
}  // namespace ig_scalar
}  // namespace c4j

#define IG_NS ig_scalar
#include "conv/conv_igemm_phase_body.inc"
#undef IG_NS

namespace c4j {
IgemmPhaseFn igemm_phase_scalar() { return ig_scalar::forward; }
}  // namespace c4j
