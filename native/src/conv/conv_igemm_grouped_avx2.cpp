// The grouped implicit GEMM on AVX2+FMA: conv_igemm_grouped_body.inc on 8-float vectors. Compiled with -mavx2
// -mfma; reached only after CPUID (the list's igemm_grouped__avx2 entries).
#include "conv/conv_igemm_grouped.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace igg_avx2 {
namespace {
#include "isa/vec_avx2.inc"
inline void gather2_impl(const float *src, float *dst, int64_t n) {
    int64_t m = 0;
    for (; m + 8 < n; m += 8) {  // reads src[2m .. 2m + 15], within src[2 (n - 1)]
        const __m256 a = _mm256_loadu_ps(src + 2 * m), b = _mm256_loadu_ps(src + 2 * m + 8);
        const __m256 e = _mm256_shuffle_ps(a, b, 0x88);  // a0 a2 b0 b2 | a4 a6 b4 b6
        _mm256_storeu_ps(dst + m, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8)));
    }
    for (; m < n; ++m) dst[m] = src[2 * m];
}
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
    static const IgemmGroupedKernels k{igg_avx2::forward<kIgNr>, igg_avx2::forward<2>, igg_avx2::weights, igg_avx2::gather2_impl, igg_avx2::W};
    return &k;
}
}  // namespace c4j

#else  // not compiled for AVX2: never selected

namespace c4j {
const IgemmGroupedKernels *igemm_grouped_avx2() { return nullptr; }
}  // namespace c4j

#endif
