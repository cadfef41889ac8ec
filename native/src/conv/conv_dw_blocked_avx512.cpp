// The blocked depthwise kernels on AVX-512: conv_dw_blocked_body.inc on 16-channel blocks. Compiled with the
// AVX-512 flags; reached only after CPUID (dw_blocked_avx512_active). The transposes move 8 channels at a time.
#include "conv/conv_dw_blocked.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "conv/conv_direct.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dwb_avx512 {
namespace {
#include "isa/vec_avx512.inc"
#include "isa/transpose8x8_avx2.inc"
}  // namespace
}  // namespace dwb_avx512
}  // namespace c4j

#define DWB_NS dwb_avx512
#include "conv/conv_dw_blocked_body.inc"
#undef DWB_NS

namespace c4j {
const DwBlockedKernels *dw_blocked_avx512() { return dwb_avx512::kernels(); }
}  // namespace c4j

#else  // not compiled for AVX-512: never selected

namespace c4j {
const DwBlockedKernels *dw_blocked_avx512() { return nullptr; }
}  // namespace c4j

#endif
