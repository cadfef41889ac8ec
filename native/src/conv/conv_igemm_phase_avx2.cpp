// The phase-plane implicit GEMM on AVX2+FMA: the body of conv_igemm_phase_body.inc on 8-float vectors. Compiled with -mavx2 -mfma;
// reached only after CPUID (igemm_phase_avx2_active).
#include "conv/conv_dw.h"
#include "conv/conv_igemm_phase.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace ig_avx2 {
namespace {
#include "isa/vec_avx2.inc"
[[maybe_unused]] inline double hsum(vf v) {
    alignas(32) float l[8];
    _mm256_store_ps(l, v);
    double s = 0;
    for (float f : l) s += f;
    return s;
}
}  // namespace
}  // namespace ig_avx2
}  // namespace c4j

#define IG_NS ig_avx2
#include "conv/conv_igemm_phase_body.inc"
#undef IG_NS

namespace c4j {
IgemmPhaseFn igemm_phase_avx2() { return ig_avx2::forward; }
}  // namespace c4j

#else  // not compiled for AVX2: a table of nulls, never selected

namespace c4j {
IgemmPhaseFn igemm_phase_avx2() { return nullptr; }
}  // namespace c4j

#endif
