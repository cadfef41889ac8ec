// The dense implicit GEMM on AVX2+FMA: the body of conv_igemm_dense_body.inc on 8-float vectors (strips of 16
// columns, 6 x 2 accumulators). Compiled with -mavx2 -mfma; reached only after CPUID (igemm_dense_avx2_active).
#include "conv/conv_igemm_dense.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace c4j {
namespace dg_avx2 {
namespace {
#include "isa/vec_avx2.inc"
using vm = __m256i;
inline vm lanes(int64_t lo, int64_t hi) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const int l = static_cast<int>(std::min<int64_t>(W, std::max<int64_t>(-1, lo - 1)));
    const int h = static_cast<int>(std::min<int64_t>(W, std::max<int64_t>(-1, hi)));
    return _mm256_and_si256(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(l)), _mm256_cmpgt_epi32(_mm256_set1_epi32(h), idx));
}
inline vf mload(const float *p, vm m) { return _mm256_maskload_ps(p, m); }
inline vf blend(vm m, vf a, vf b) { return _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m)); }
}  // namespace
}  // namespace dg_avx2
}  // namespace c4j

#define DG_NS dg_avx2
#include "conv/conv_igemm_dense_body.inc"
#undef DG_NS

namespace c4j {
IgemmDenseFn igemm_dense_avx2() { return dg_avx2::forward; }
}  // namespace c4j

#else  // not compiled for AVX2: never selected

namespace c4j {
IgemmDenseFn igemm_dense_avx2() { return nullptr; }
}  // namespace c4j

#endif
