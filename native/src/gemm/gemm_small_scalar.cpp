// Portable small GEMM: row axpys, which the compiler vectorises for the baseline ISA.
#include "gemm/gemm_small.h"

namespace c4j {

void small_gemm_scalar(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                       int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    for (int64_t r = 0; r < m; ++r) {
        float *cr = c + r * ldc;
        if (!accumulate) {
            for (int64_t j = 0; j < n; ++j) cr[j] = 0.f;
        }
        for (int64_t kk = 0; kk < k; ++kk) {
            const float av = a[r * a_rs + kk * a_cs];
            const float *br = b + kk * ldb;
            for (int64_t j = 0; j < n; ++j) cr[j] += av * br[j];
        }
    }
}

void small_gemm_nt_scalar(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                          float *c, int64_t ldc, bool accumulate) {
    for (int64_t r = 0; r < m; ++r) {
        const float *ar = a + r * lda;
        for (int64_t j = 0; j < n; ++j) {
            const float *bj = b + j * ldb;
            float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // eight partial sums: vectorisable without fast-math
            int64_t kk = 0;
            for (; kk + 8 <= k; kk += 8) {
                for (int l = 0; l < 8; ++l) lane[l] += ar[kk + l] * bj[kk + l];
            }
            float s = ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
            for (; kk < k; ++kk) s += ar[kk] * bj[kk];
            c[r * ldc + j] = accumulate ? c[r * ldc + j] + s : s;
        }
    }
}

}  // namespace c4j
