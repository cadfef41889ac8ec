// AVX-512 global pooling (pool_global.h); compiled with AVX-512 flags, reached only after CPUID says so.
// A plane of hw floats is summed 16 lanes at a time, the tail with a masked load and add, so small planes
// (7x7 = 49: three vectors and a one-lane tail) cost a handful of instructions and one reduction.
#include "pool/pool_global.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*, reported as "may be used
// uninitialized" wherever they inline (GCC bug 105593, fixed in GCC 13)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace c4j {
namespace {

inline __mmask16 lanes(int64_t n) {
    return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1);
}

void avg_forward(const float *x, int64_t planes, int64_t hw, float *y) {
    for (int64_t p = 0; p < planes; ++p) {
        const float *xp = x + p * hw;
        __m512 a = _mm512_setzero_ps();
        int64_t k = 0;
        for (; k + 16 <= hw; k += 16) a = _mm512_add_ps(a, _mm512_loadu_ps(xp + k));
        // the tail only in its own lanes (a masked add leaves the others as they are)
        if (k < hw) a = _mm512_mask_add_ps(a, lanes(hw - k), a, _mm512_maskz_loadu_ps(lanes(hw - k), xp + k));
        // pool_global_finish's tree: lane i += lane i + 8, + 4, + 2, + 1
        const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        y[p] = _mm_cvtss_f32(s) / static_cast<float>(hw);
    }
}

void avg_backward(const float *dy, int64_t planes, int64_t hw, float *dx) {
    for (int64_t p = 0; p < planes; ++p) {
        const __m512 v = _mm512_set1_ps(dy[p] / static_cast<float>(hw));
        float *d = dx + p * hw;
        for (int64_t k = 0; k < hw; k += 16) _mm512_mask_storeu_ps(d + k, lanes(hw - k), v);
    }
}

const PoolGlobalKernels kAvx512{avg_forward, avg_backward};

}  // namespace

const PoolGlobalKernels &pool_global_avx512() { return kAvx512; }

}  // namespace c4j

#else  // not built with AVX-512: never selected

namespace c4j {
const PoolGlobalKernels &pool_global_avx512() { return pool_global_avx2(); }
}  // namespace c4j

#endif
