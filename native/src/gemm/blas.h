// The one place that talks to OpenBLAS (row-major single-precision GEMM).
#ifndef CONV4J_BLAS_H
#define CONV4J_BLAS_H

#include <cstdint>

namespace c4j {

// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, as cblas_sgemm.
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
           int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

}  // namespace c4j

#endif
