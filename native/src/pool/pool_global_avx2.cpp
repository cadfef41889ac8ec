// AVX2 global pooling (pool_global.h); compiled with AVX2/FMA flags, reached only after CPUID says so.
#include "pool/pool_global.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace {

void avg_forward(const float *x, int64_t planes, int64_t hw, float *y) {
    for (int64_t p = 0; p < planes; ++p) {
        const float *xp = x + p * hw;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();  // lanes 0-7 and 8-15
        int64_t k = 0;
        for (; k + 16 <= hw; k += 16) {
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(xp + k));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(xp + k + 8));
        }
        alignas(32) float lanes[16];
        _mm256_store_ps(lanes, a0);
        _mm256_store_ps(lanes + 8, a1);
        for (int64_t l = 0; k + l < hw; ++l) lanes[l] += xp[k + l];
        y[p] = pool_global_finish(lanes, hw);
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
