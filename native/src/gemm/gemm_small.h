// GEMMs with few rows (M): OpenBLAS runs these at a fraction of its speed (measured 9-27 GFLOP/s for
// M=6, K=25 against 32-40 here, one thread), and they are the forward GEMMs of convolutions with few
// output channels (LeNet's first layer).
#ifndef CONV4J_GEMM_SMALL_H
#define CONV4J_GEMM_SMALL_H

#include <cstdint>

namespace c4j {

// C[m x n] (+)= A * B, row-major B [k x n] (ldb) and C (ldc); element (r, kk) of A is
// a[r * a_rs + kk * a_cs] (so a transposed A is just other strides). accumulate: C += A*B, else C = A*B.
using SmallGemmFn = void (*)(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs,
                             const float *b, int64_t ldb, float *c, int64_t ldc, bool accumulate);

void small_gemm_scalar(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                       int64_t ldb, float *c, int64_t ldc, bool accumulate);
void small_gemm_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_rs, int64_t a_cs, const float *b,
                     int64_t ldb, float *c, int64_t ldc, bool accumulate);

// Whether the small kernel beats OpenBLAS on this shape: few rows, and a 16-column strip of B (k rows)
// that stays in L1 while it is reused for every row block (measured: slower than OpenBLAS at k = 576,
// and for a short k with many rows).
inline bool small_gemm_fits(int64_t m, int64_t n, int64_t k) { return m <= 8 && k <= 256 && n >= 16; }

// The kernel in use (AVX2+FMA after CPUID, else scalar; c4j_cpu_force_scalar forces scalar).
SmallGemmFn small_gemm();

// C[m x n] (+)= A[m x k] * B[n x k]^T, both row-major (ld a / ld b): m*n dot products of length k. The
// weight-gradient GEMM of convolutions with few output channels (m) and short filters (n), where one
// OpenBLAS call per spatial block costs more than the arithmetic.
using SmallGemmNtFn = void (*)(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                               int64_t ldb, float *c, int64_t ldc, bool accumulate);

void small_gemm_nt_scalar(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                          float *c, int64_t ldc, bool accumulate);
void small_gemm_nt_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                        float *c, int64_t ldc, bool accumulate);

inline bool small_gemm_nt_fits(int64_t m, int64_t n, int64_t k) { return m <= 16 && n <= 256 && k >= 32; }

SmallGemmNtFn small_gemm_nt();

}  // namespace c4j

#endif
