// AVX2+FMA small GEMM: blocks of up to 6 rows x 16 columns held in 12 registers while k runs, so each
// row of B is loaded once per 6 rows of C. Compiled with -mavx2 -mfma; reached only after CPUID.
#include "gemm_small.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace {

template <int R>
inline void block16(int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b, int64_t ldb, float *c,
                    int64_t ldc, bool accumulate) {
    __m256 c0[R], c1[R];
    for (int r = 0; r < R; ++r) {
        c0[r] = accumulate ? _mm256_loadu_ps(c + r * ldc) : _mm256_setzero_ps();
        c1[r] = accumulate ? _mm256_loadu_ps(c + r * ldc + 8) : _mm256_setzero_ps();
    }
    for (int64_t kk = 0; kk < k; ++kk) {
        const __m256 b0 = _mm256_loadu_ps(b + kk * ldb), b1 = _mm256_loadu_ps(b + kk * ldb + 8);
        for (int r = 0; r < R; ++r) {
            const __m256 av = _mm256_broadcast_ss(a + r * a_rs + kk * a_cs);
            c0[r] = _mm256_fmadd_ps(av, b0, c0[r]);
            c1[r] = _mm256_fmadd_ps(av, b1, c1[r]);
        }
    }
    for (int r = 0; r < R; ++r) {
        _mm256_storeu_ps(c + r * ldc, c0[r]);
        _mm256_storeu_ps(c + r * ldc + 8, c1[r]);
    }
}

template <int R>
void rows16(int64_t n16, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b, int64_t ldb, float *c,
            int64_t ldc, bool accumulate) {
    for (int64_t j = 0; j < n16; j += 16) block16<R>(k, a, a_rs, a_cs, b + j, ldb, c + j, ldc, accumulate);
}

}  // namespace

void small_gemm_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                     int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    const int64_t n16 = n & ~int64_t(15);
    int64_t r = 0;
    for (; r + 6 <= m; r += 6) rows16<6>(n16, k, a + r * a_rs, a_rs, a_cs, b, ldb, c + r * ldc, ldc, accumulate);
    const float *ar = a + r * a_rs;
    float *cr = c + r * ldc;
    switch (m - r) {
        case 5: rows16<5>(n16, k, ar, a_rs, a_cs, b, ldb, cr, ldc, accumulate); break;
        case 4: rows16<4>(n16, k, ar, a_rs, a_cs, b, ldb, cr, ldc, accumulate); break;
        case 3: rows16<3>(n16, k, ar, a_rs, a_cs, b, ldb, cr, ldc, accumulate); break;
        case 2: rows16<2>(n16, k, ar, a_rs, a_cs, b, ldb, cr, ldc, accumulate); break;
        case 1: rows16<1>(n16, k, ar, a_rs, a_cs, b, ldb, cr, ldc, accumulate); break;
        default: break;
    }
    if (n16 < n) small_gemm_scalar(m, n - n16, k, a, a_rs, a_cs, b + n16, ldb, c + n16, ldc, accumulate);
}

}  // namespace c4j

#else  // another architecture: never selected (see cpu_has_avx2_fma)

namespace c4j {
void small_gemm_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                     int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    small_gemm_scalar(m, n, k, a, a_rs, a_cs, b, ldb, c, ldc, accumulate);
}
}  // namespace c4j

#endif
