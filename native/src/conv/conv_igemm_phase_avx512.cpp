// The phase-plane implicit GEMM on AVX-512: the body of conv_igemm_phase_body.inc on 16-float vectors. Compiled with the AVX-512 flags;
// reached only after CPUID (igemm_phase_avx512_active).
#include "conv/conv_dw.h"
#include "conv/conv_igemm_phase.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace ig_avx512 {
namespace {
#include "isa/vec_avx512.inc"
[[maybe_unused]] inline double hsum(vf v) {
    alignas(64) float l[16];
    _mm512_store_ps(l, v);
    double s = 0;
    for (float f : l) s += f;
    return s;
}
}  // namespace
}  // namespace ig_avx512
}  // namespace c4j

#define IG_NS ig_avx512
#include "conv/conv_igemm_phase_body.inc"
#undef IG_NS

namespace c4j {
IgemmPhaseFn igemm_phase_avx512() { return ig_avx512::forward; }
}  // namespace c4j

#else  // not compiled for AVX-512: a table of nulls, never selected

namespace c4j {
IgemmPhaseFn igemm_phase_avx512() { return nullptr; }
}  // namespace c4j

#endif
