// NEON small GEMM (aarch64, where Advanced SIMD is always present): the AVX2 kernels' blocking with
// 4-float vectors. Reached through small_gemm() / small_gemm_nt() when cpu_use_neon(); <arm_neon.h>
// intrinsics only, so Apple clang and GCC build the same code.
#include "gemm/gemm_small.h"
#include "gemm/gemm_small_nt_2x4.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>

namespace c4j {
namespace {

// R rows x 16 columns of C in 4R registers while k runs: each row of B is loaded once per R rows of C.
template <int R>
inline void block16(int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b, int64_t ldb, float *c,
                    int64_t ldc, bool accumulate) {
    float32x4_t acc[R][4];
    for (int r = 0; r < R; ++r)
        for (int q = 0; q < 4; ++q) acc[r][q] = accumulate ? vld1q_f32(c + r * ldc + 4 * q) : vdupq_n_f32(0.f);
    for (int64_t kk = 0; kk < k; ++kk) {
        const float *br = b + kk * ldb;
        const float32x4_t b0 = vld1q_f32(br), b1 = vld1q_f32(br + 4), b2 = vld1q_f32(br + 8), b3 = vld1q_f32(br + 12);
        for (int r = 0; r < R; ++r) {
            const float32x4_t av = vdupq_n_f32(a[r * a_rs + kk * a_cs]);
            acc[r][0] = vfmaq_f32(acc[r][0], av, b0);
            acc[r][1] = vfmaq_f32(acc[r][1], av, b1);
            acc[r][2] = vfmaq_f32(acc[r][2], av, b2);
            acc[r][3] = vfmaq_f32(acc[r][3], av, b3);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int q = 0; q < 4; ++q) vst1q_f32(c + r * ldc + 4 * q, acc[r][q]);
}

template <int R>
void rows16(int64_t n16, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b, int64_t ldb, float *c,
            int64_t ldc, bool accumulate) {
    for (int64_t j = 0; j < n16; j += 16) block16<R>(k, a, a_rs, a_cs, b + j, ldb, c + j, ldc, accumulate);
}

// 2 rows of A x 4 rows of B: 8 dot products sharing their loads, 4 partial sums each.
inline void nt_block(int64_t k, const float *a0, const float *a1, const float *b0, const float *b1, const float *b2,
                     const float *b3, float out[8]) {
    float32x4_t s[8];
    for (int i = 0; i < 8; ++i) s[i] = vdupq_n_f32(0.f);
    int64_t kk = 0;
    for (; kk + 4 <= k; kk += 4) {
        const float32x4_t x0 = vld1q_f32(a0 + kk), x1 = vld1q_f32(a1 + kk);
        const float32x4_t y0 = vld1q_f32(b0 + kk), y1 = vld1q_f32(b1 + kk);
        const float32x4_t y2 = vld1q_f32(b2 + kk), y3 = vld1q_f32(b3 + kk);
        s[0] = vfmaq_f32(s[0], x0, y0);
        s[1] = vfmaq_f32(s[1], x0, y1);
        s[2] = vfmaq_f32(s[2], x0, y2);
        s[3] = vfmaq_f32(s[3], x0, y3);
        s[4] = vfmaq_f32(s[4], x1, y0);
        s[5] = vfmaq_f32(s[5], x1, y1);
        s[6] = vfmaq_f32(s[6], x1, y2);
        s[7] = vfmaq_f32(s[7], x1, y3);
    }
    for (int i = 0; i < 8; ++i) out[i] = vaddvq_f32(s[i]);
    nt_block_tail(kk, k, a0, a1, b0, b1, b2, b3, out);
}

}  // namespace

void small_gemm_neon(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                     int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    const int64_t n16 = n & ~int64_t(15);
    int64_t r = 0;
    // 6 rows: 24 accumulators + 4 B vectors + 1 broadcast of the 32 vector registers
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

void small_gemm_nt_neon(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                        float *c, int64_t ldc, bool accumulate) {
    small_gemm_nt_2x4(nt_block, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

}  // namespace c4j

#else  // another architecture: never selected (see cpu_has_neon)

namespace c4j {
void small_gemm_neon(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                     int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    small_gemm_scalar(m, n, k, a, a_rs, a_cs, b, ldb, c, ldc, accumulate);
}
void small_gemm_nt_neon(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                        float *c, int64_t ldc, bool accumulate) {
    small_gemm_nt_scalar(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
}  // namespace c4j

#endif
