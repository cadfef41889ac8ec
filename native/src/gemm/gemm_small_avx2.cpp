// AVX2+FMA small GEMM: blocks of up to 6 rows x 16 columns held in 12 registers while k runs, so each
// row of B is loaded once per 6 rows of C. Compiled with -mavx2 -mfma; reached only after CPUID.
#include "gemm/gemm_small.h"
#include "gemm/gemm_small_nt_2x4.h"

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

namespace {

inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    __m128 s = _mm_add_ps(lo, hi);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// 2 rows of A x 4 rows of B: 8 dot products sharing their loads.
inline void nt_block(int64_t k, const float *a0, const float *a1, const float *b0, const float *b1, const float *b2,
                     const float *b3, float out[8]) {
    __m256 s[8];
    for (int i = 0; i < 8; ++i) s[i] = _mm256_setzero_ps();
    int64_t kk = 0;
    for (; kk + 8 <= k; kk += 8) {
        const __m256 x0 = _mm256_loadu_ps(a0 + kk), x1 = _mm256_loadu_ps(a1 + kk);
        const __m256 y0 = _mm256_loadu_ps(b0 + kk), y1 = _mm256_loadu_ps(b1 + kk);
        const __m256 y2 = _mm256_loadu_ps(b2 + kk), y3 = _mm256_loadu_ps(b3 + kk);
        s[0] = _mm256_fmadd_ps(x0, y0, s[0]);
        s[1] = _mm256_fmadd_ps(x0, y1, s[1]);
        s[2] = _mm256_fmadd_ps(x0, y2, s[2]);
        s[3] = _mm256_fmadd_ps(x0, y3, s[3]);
        s[4] = _mm256_fmadd_ps(x1, y0, s[4]);
        s[5] = _mm256_fmadd_ps(x1, y1, s[5]);
        s[6] = _mm256_fmadd_ps(x1, y2, s[6]);
        s[7] = _mm256_fmadd_ps(x1, y3, s[7]);
    }
    for (int i = 0; i < 8; ++i) out[i] = hsum(s[i]);
    nt_block_tail(kk, k, a0, a1, b0, b1, b2, b3, out);
}

}  // namespace

void small_gemm_nt_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                        float *c, int64_t ldc, bool accumulate) {
    small_gemm_nt_2x4(nt_block, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

}  // namespace c4j

#else  // another architecture: never selected (see cpu_has_avx2_fma)

namespace c4j {
void small_gemm_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                     int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    small_gemm_scalar(m, n, k, a, a_rs, a_cs, b, ldb, c, ldc, accumulate);
}
void small_gemm_nt_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                        float *c, int64_t ldc, bool accumulate) {
    small_gemm_nt_scalar(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
}  // namespace c4j

#endif
