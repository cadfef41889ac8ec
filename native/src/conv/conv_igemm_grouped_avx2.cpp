// The grouped implicit GEMM on AVX2+FMA: conv_igemm_grouped_body.inc on 8-float vectors. Compiled with -mavx2
// -mfma; reached only after CPUID (the list's igemm_grouped__avx2 entries).
#include "conv/conv_igemm_grouped.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace igg_avx2 {
namespace {
using vf = __m256;
constexpr int W = 8;
inline vf load(const float *p) { return _mm256_loadu_ps(p); }
inline void store(float *p, vf v) { _mm256_storeu_ps(p, v); }
inline vf splat(float s) { return _mm256_set1_ps(s); }
inline vf fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
inline float hsum(vf v) {
    const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}
}  // namespace
}  // namespace igg_avx2
}  // namespace c4j

#define IGG_NS igg_avx2
#include "conv/conv_igemm_grouped_body.inc"
#undef IGG_NS

namespace c4j {
const IgemmGroupedKernels *igemm_grouped_avx2() {
    static const IgemmGroupedKernels k{igg_avx2::forward, igg_avx2::weights, igg_avx2::W};
    return &k;
}
}  // namespace c4j

#else  // not compiled for AVX2: never selected

namespace c4j {
const IgemmGroupedKernels *igemm_grouped_avx2() { return nullptr; }
}  // namespace c4j

#endif
