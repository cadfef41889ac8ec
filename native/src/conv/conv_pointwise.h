// 1x1 convolutions (stride 1, no padding: the input planes are the im2col matrix) on conv4j's own AVX-512
// GEMM kernel (the Winograd 8x32 register block, no packing) instead of OpenBLAS sgemm: forward
// y = W x, backward data dx = W^T dy, backward weights dW = sum over images of dy x^T. The operands are
// read in place, in column chunks whose B panel stays in L2 while every row block passes over it.
#ifndef CONV4J_CONV_POINTWISE_H
#define CONV4J_CONV_POINTWISE_H

#include <cstdint>

namespace c4j {

// Whether the kernels below run here: AVX-512 compiled in and present, scalar kernels not forced.
bool pointwise_avx512_active();

// c[r * ldc + j] (acc: +=) sum_i a[r * sa_row + i * sa_k] * b[i * ldb + j] for r < m, j < n, i < k,
// summing i in ascending order (after c's old value when acc).
void pointwise_gemm_avx512(bool acc, int m, int64_t n, int k, const float *a, int64_t sa_row, int64_t sa_k,
                           const float *b, int64_t ldb, float *c, int64_t ldc);

// One image's share of a weight gradient block: dw[o * ldw + c] (first: =, else +=) sum over q < hw of
// dy[o * hw + q] * x[c * hw + q] for o < cout, c < cin (x: the block's first input plane). Positions are
// summed in ascending order, in chunks of pointwise_wgrad_chunk(); ws: pointwise_wgrad_workspace(cin)
// floats, 64-byte aligned. The second operand (x) is the one transposed, chunk by chunk; the roles are
// symmetric, so a caller with fewer output than input channels passes them swapped and gets dw^T.
void pointwise_wgrad_avx512(const float *dy, int cout, const float *x, int cin, int64_t hw, float *dw, int64_t ldw,
                            bool first, float *ws);
int64_t pointwise_wgrad_workspace(int cin);

}  // namespace c4j

#endif
