// The 2x4 blocking of small_gemm_nt shared by the SIMD flavours: each ISA supplies the block of 8 dot products
// (two rows of A against four rows of B, length k); the leftover rows and columns run the portable kernel.
// A template, so the block inlines into the ISA's own translation unit and is compiled with its flags.
#ifndef CONV4J_GEMM_SMALL_NT_2X4_H
#define CONV4J_GEMM_SMALL_NT_2X4_H

#include <cstdint>

#include "gemm/gemm_small.h"

namespace c4j {

// The block's last k - kk terms, one at a time, after its vector loop.
inline void nt_block_tail(int64_t kk, int64_t k, const float *a0, const float *a1, const float *b0, const float *b1,
                          const float *b2, const float *b3, float *out) {
    for (; kk < k; ++kk) {
        out[0] += a0[kk] * b0[kk];
        out[1] += a0[kk] * b1[kk];
        out[2] += a0[kk] * b2[kk];
        out[3] += a0[kk] * b3[kk];
        out[4] += a1[kk] * b0[kk];
        out[5] += a1[kk] * b1[kk];
        out[6] += a1[kk] * b2[kk];
        out[7] += a1[kk] * b3[kk];
    }
}

// block(k, a0, a1, b0, b1, b2, b3, out): out[4 * i + q] = dot(a_i, b_q) over k.
template <class Block>
inline void small_gemm_nt_2x4(Block block, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                              const float *b, int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    const int64_t m2 = m & ~int64_t(1), n4 = n & ~int64_t(3);
    for (int64_t r = 0; r < m2; r += 2) {
        for (int64_t j = 0; j < n4; j += 4) {
            float o[8];
            block(k, a + r * lda, a + (r + 1) * lda, b + j * ldb, b + (j + 1) * ldb, b + (j + 2) * ldb,
                  b + (j + 3) * ldb, o);
            for (int q = 0; q < 4; ++q) {
                float *c0 = c + r * ldc + j + q, *c1 = c + (r + 1) * ldc + j + q;
                *c0 = accumulate ? *c0 + o[q] : o[q];
                *c1 = accumulate ? *c1 + o[4 + q] : o[4 + q];
            }
        }
    }
    if (n4 < n) small_gemm_nt_scalar(m2, n - n4, k, a, lda, b + n4 * ldb, ldb, c + n4, ldc, accumulate);
    if (m2 < m) small_gemm_nt_scalar(m - m2, n, k, a + m2 * lda, lda, b, ldb, c + m2 * ldc, ldc, accumulate);
}

}  // namespace c4j

#endif
