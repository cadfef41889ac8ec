// OpenBLAS through its CBLAS interface (the library of org.bytedeco:openblas, never a system BLAS).
#include "gemm/blas.h"

#include <cblas.h>

#include "conv4j/conv4j_cpu.h"
#include "gemm/gemm_small.h"

namespace c4j {

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
           int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    if (!trans_b && alpha == 1.f && (beta == 0.f || beta == 1.f) && small_gemm_fits(m, n, k)) {
        // few rows or a short inner dimension: our register-blocked kernel beats OpenBLAS there
        small_gemm()(m, n, k, a, trans_a ? 1 : lda, trans_a ? lda : 1, b, ldb, c, ldc, beta == 1.f);
        return;
    }
    if (!trans_a && trans_b && alpha == 1.f && (beta == 0.f || beta == 1.f) && small_gemm_nt_fits(m, n, k)) {
        // few rows and columns, long dot products (weight gradients of small convolutions)
        small_gemm_nt()(m, n, k, a, lda, b, ldb, c, ldc, beta == 1.f);
        return;
    }
    // blasint is 32-bit in the presets' build; the Java side keeps every tensor below 2^31 elements.
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
                static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

}  // namespace c4j

extern "C" void c4j_cpu_set_blas_threads(int n) {
    if (n >= 1) openblas_set_num_threads(n);
}

// Called from this library, so it answers for the OpenBLAS copy our cblas_sgemm calls are bound to
// (the presets map two copies with one SONAME; asking through another binding can mislead).
extern "C" int c4j_cpu_blas_threads(void) { return openblas_get_num_threads(); }

extern "C" const char *c4j_cpu_blas_core_name(void) {
    const char *name = openblas_get_corename();
    return name != nullptr ? name : "unknown";
}
