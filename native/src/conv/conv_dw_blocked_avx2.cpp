// The blocked depthwise kernels on AVX2+FMA: conv_dw_blocked_body.inc on 8-channel blocks. Compiled with -mavx2
// -mfma; reached only after CPUID (dw_blocked_avx2_active).
#include "conv/conv_dw_blocked.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "conv/conv_direct.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dwb_avx2 {
namespace {
#include "isa/vec_avx2.inc"
#include "isa/transpose8x8_avx2.inc"
}  // namespace
}  // namespace dwb_avx2
}  // namespace c4j

#define DWB_NS dwb_avx2
#include "conv/conv_dw_blocked_body.inc"
#undef DWB_NS

namespace c4j {
const DwBlockedKernels *dw_blocked_avx2() { return dwb_avx2::kernels(); }
}  // namespace c4j

#else  // not compiled for AVX2: never selected

namespace c4j {
const DwBlockedKernels *dw_blocked_avx2() { return nullptr; }
}  // namespace c4j

#endif
