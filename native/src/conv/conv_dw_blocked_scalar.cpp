// The blocked depthwise kernels' portable flavour: conv_dw_blocked_body.inc on blocks of one channel (the
// scratch is then the zero-padded plane itself).
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "conv/conv_direct.h"
#include "conv/conv_dw_blocked.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dwb_scalar {
namespace {
#include "isa/vec_scalar.inc"
// Never called with one lane (the body transposes in steps of 8 only where W >= 8).
inline void tr8(const float *, int64_t, float *, int64_t) {}
inline void tr8_cols(const float *, int64_t, float *, int64_t, int) {}
inline void tr8_rows(const float *, int64_t, float *, int64_t, int) {}
}  // namespace
}  // namespace dwb_scalar
}  // namespace c4j

#define DWB_NS dwb_scalar
#include "conv/conv_dw_blocked_body.inc"
#undef DWB_NS

namespace c4j {
const DwBlockedKernels *dw_blocked_scalar() { return dwb_scalar::kernels(); }
}  // namespace c4j
