// The dense implicit GEMM on AVX-512: the body of conv_igemm_dense_body.inc on 16-float vectors (strips of 32
// columns, 6 x 2 accumulators). Compiled with the AVX-512 flags; reached only after CPUID
// (igemm_dense_avx512_active).
#include "conv/conv_igemm_dense.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace c4j {
namespace dg_avx512 {
namespace {
#include "isa/vec_avx512.inc"
using vm = __mmask16;
inline vm lanes(int64_t lo, int64_t hi) {
    const int64_t l = std::min<int64_t>(W, std::max<int64_t>(0, lo));
    const int64_t h = std::min<int64_t>(W, std::max<int64_t>(0, hi));
    if (h <= l) return vm(0);
    return static_cast<vm>(((uint32_t(1) << h) - 1u) & ~((uint32_t(1) << l) - 1u));
}
inline vf mload(const float *p, vm m) { return _mm512_maskz_loadu_ps(m, p); }
inline vf blend(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); }
}  // namespace
}  // namespace dg_avx512
}  // namespace c4j

#define DG_NS dg_avx512
#include "conv/conv_igemm_dense_body.inc"
#undef DG_NS

namespace c4j {
IgemmDenseFn igemm_dense_avx512() { return dg_avx512::forward; }
}  // namespace c4j

#else  // not compiled for AVX-512: never selected

namespace c4j {
IgemmDenseFn igemm_dense_avx512() { return nullptr; }
}  // namespace c4j

#endif
