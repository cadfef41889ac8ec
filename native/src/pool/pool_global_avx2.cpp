// AVX2 global pooling (pool_global.h); compiled with AVX2/FMA flags, reached only after CPUID says so.
#include "pool/pool_global.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace {

// The tree of pool_global_finish on lanes 0-7 = a0 and 8-15 = a1: lane i += lane i + 8 is a0 + a1, then the
// usual halving; the same additions in the same order, so the same bits.
inline float finish(__m256 a0, __m256 a1, int64_t hw) {
    const __m256 s8 = _mm256_add_ps(a0, a1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));  // lane i += lane i + 4
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));                                            // lane i += lane i + 2
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));                                        // lane 0 += lane 1
    return _mm_cvtss_f32(s) / static_cast<float>(hw);
}

inline __m256i first_lanes(int64_t n) {  // all-ones in lanes [0, n), n in [0, 8]
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), idx);
}

void avg_forward(const float *x, int64_t planes, int64_t hw, float *y) {
    for (int64_t p = 0; p < planes; ++p) {
        const float *xp = x + p * hw;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();  // lanes 0-7 and 8-15
        int64_t k = 0;
        for (; k + 16 <= hw; k += 16) {
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(xp + k));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(xp + k + 8));
        }
        if (k < hw) {
            // the tail through masked loads: the other lanes add +0, which leaves a sum that started at +0 as it
            // is (it can never be -0), so this matches skipping them
            const int64_t r = hw - k;
            a0 = _mm256_add_ps(a0, _mm256_maskload_ps(xp + k, first_lanes(r < 8 ? r : 8)));
            if (r > 8) a1 = _mm256_add_ps(a1, _mm256_maskload_ps(xp + k + 8, first_lanes(r - 8)));
        }
        y[p] = finish(a0, a1, hw);
    }
}

void avg_backward(const float *dy, int64_t planes, int64_t hw, float *dx) {
    for (int64_t p = 0; p < planes; ++p) {
        const float v = dy[p] / static_cast<float>(hw);
        const __m256 vv = _mm256_set1_ps(v);
        float *d = dx + p * hw;
        int64_t k = 0;
        for (; k + 8 <= hw; k += 8) _mm256_storeu_ps(d + k, vv);
        for (; k < hw; ++k) d[k] = v;
    }
}

const PoolGlobalKernels kAvx2{avg_forward, avg_backward};

}  // namespace

const PoolGlobalKernels &pool_global_avx2() { return kAvx2; }

}  // namespace c4j

#else  // not built with AVX2 (another architecture): never selected

namespace c4j {
const PoolGlobalKernels &pool_global_avx2() { return pool_global_scalar(); }
}  // namespace c4j

#endif
