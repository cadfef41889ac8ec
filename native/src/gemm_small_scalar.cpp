// Portable small GEMM: row axpys, which the compiler vectorises for the baseline ISA.
#include "gemm_small.h"

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

}  // namespace c4j
