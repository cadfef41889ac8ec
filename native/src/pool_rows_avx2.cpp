// AVX2 row kernels of the separable pooling. This file alone is compiled with -mavx2 -mfma and is
// only reached after a CPUID check (cpu_features.cpp), so the library still runs on any x86-64.
#include "pool_rows.h"

#if defined(__AVX2__)
#include <immintrin.h>

#include <cmath>

namespace c4j {
namespace {

void col_max(const float *x, int64_t ldx, int rows, int w, float *vmax, int32_t *varg) {
    int j = 0;
    for (; j + 8 <= w; j += 8) {
        __m256 m = _mm256_loadu_ps(x + j);
        __m256 arg = _mm256_setzero_ps();  // row indices as int32 bit patterns
        for (int r = 1; r < rows; ++r) {
            __m256 v = _mm256_loadu_ps(x + r * ldx + j);
            // v wins when greater, or when it is NaN and the current maximum is not (PyTorch's rule)
            __m256 win = _mm256_or_ps(_mm256_cmp_ps(v, m, _CMP_GT_OQ),
                                      _mm256_and_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q), _mm256_cmp_ps(m, m, _CMP_ORD_Q)));
            m = _mm256_blendv_ps(m, v, win);
            arg = _mm256_blendv_ps(arg, _mm256_castsi256_ps(_mm256_set1_epi32(r)), win);
        }
        _mm256_storeu_ps(vmax + j, m);
        if (varg != nullptr) _mm256_storeu_si256(reinterpret_cast<__m256i *>(varg + j), _mm256_castps_si256(arg));
    }
    for (; j < w; ++j) {
        float m = x[j];
        int32_t a = 0;
        for (int r = 1; r < rows; ++r) {
            float v = x[r * ldx + j];
            if (v > m || (std::isnan(v) && !std::isnan(m))) {
                m = v;
                a = r;
            }
        }
        vmax[j] = m;
        if (varg != nullptr) varg[j] = a;
    }
}

void col_sum(const float *x, int64_t ldx, int rows, int w, float *vsum) {
    int j = 0;
    for (; j + 8 <= w; j += 8) {
        __m256 s = _mm256_loadu_ps(x + j);
        for (int r = 1; r < rows; ++r) s = _mm256_add_ps(s, _mm256_loadu_ps(x + r * ldx + j));
        _mm256_storeu_ps(vsum + j, s);
    }
    for (; j < w; ++j) {
        float s = x[j];
        for (int r = 1; r < rows; ++r) s += x[r * ldx + j];
        vsum[j] = s;
    }
}

void row_add(float *dst, const float *src, int w) {
    int j = 0;
    for (; j + 8 <= w; j += 8) {
        _mm256_storeu_ps(dst + j, _mm256_add_ps(_mm256_loadu_ps(dst + j), _mm256_loadu_ps(src + j)));
    }
    for (; j < w; ++j) dst[j] += src[j];
}

const PoolRowKernels kAvx2{col_max, col_sum, row_add};

}  // namespace

const PoolRowKernels &pool_rows_avx2() { return kAvx2; }

}  // namespace c4j

#else  // not built with AVX2 (another architecture): never selected, see cpu_has_avx2_fma()

namespace c4j {
const PoolRowKernels &pool_rows_avx2() { return pool_rows_scalar(); }
}  // namespace c4j

#endif
