// The grouped implicit GEMM on AVX-512: conv_igemm_grouped_body.inc on 16-float vectors. Compiled with the
// AVX-512 flags; reached only after CPUID (the list's igemm_grouped__avx512 entries).
#include "conv/conv_igemm_grouped.h"

#if defined(__AVX512F__)
#include <immintrin.h>

namespace c4j {
namespace igg_avx512 {
namespace {
#include "isa/vec_avx512.inc"
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
    alignas(64) float l[16];
    _mm512_store_ps(l, v);
    for (int w = 8; w > 0; w /= 2)  // a fixed tree: lane i + w into lane i
        for (int i = 0; i < w; ++i) l[i] += l[i + w];
    return l[0];
}
}  // namespace
}  // namespace igg_avx512
}  // namespace c4j

#define IGG_NS igg_avx512
#include "conv/conv_igemm_grouped_body.inc"
#undef IGG_NS

namespace c4j {
const IgemmGroupedKernels *igemm_grouped_avx512() {
    static const IgemmGroupedKernels k{igg_avx512::forward<kIgNr>, igg_avx512::forward<2>, igg_avx512::weights, igg_avx512::gather2_impl, igg_avx512::W};
    return &k;
}
}  // namespace c4j

#else  // not compiled for AVX-512: never selected

namespace c4j {
const IgemmGroupedKernels *igemm_grouped_avx512() { return nullptr; }
}  // namespace c4j

#endif
