// Row kernels of the separable pooling algorithm, in a scalar and an AVX2 flavour chosen by CPUID.
#ifndef CONV4J_POOL_ROWS_H
#define CONV4J_POOL_ROWS_H

#include <cstdint>

#include "runtime/cpu_features.h"

namespace c4j {

struct PoolRowKernels {
    // For each column j < w: vmax[j] = max over rows r in [0, rows) of x[r*ldx + j] and varg[j] = the
    // first such r (PyTorch's rule: NaN wins, the first maximum wins). varg may be null.
    void (*col_max)(const float *x, int64_t ldx, int rows, int w, float *vmax, int32_t *varg);
    // vsum[j] = sum over rows r in [0, rows) of x[r*ldx + j].
    void (*col_sum)(const float *x, int64_t ldx, int rows, int w, float *vsum);
    // dst[j] += src[j] for j < w.
    void (*row_add)(float *dst, const float *src, int w);
    // Sliding windows of k columns: out[c] = max of v[c .. c+k) (NaN wins) for c < n.
    void (*win_max)(const float *v, int n, int k, float *out);
    // out[c] = sum of v[c .. c+k) for c < n (added left to right).
    void (*win_sum)(const float *v, int n, int k, float *out);
    // Stride 2, only the windows kept: out[j] = max of v[2j .. 2j+k) (NaN wins, compared left to right as
    // win_max does) for j < n. Reads v up to index 2n + k + 14 (callers pad their rows that far).
    void (*win_max_s2)(const float *v, int n, int k, float *out);
    // out[j] = sum of v[2j .. 2j+k) for j < n (added left to right as win_sum does); reads as win_max_s2.
    void (*win_sum_s2)(const float *v, int n, int k, float *out);
    // The first maximum of each window in row-major order, given per column its maximum v and the row
    // va where it occurs: best value, then smallest row, then smallest column (PyTorch's rule, NaN wins).
    // out_v / out_row / out_col[c] for the window starting at column c < n.
    void (*win_argmax)(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row,
                       int32_t *out_col);
    // win_argmax for the stride-2 windows only: out_*[j] for the window starting at column 2j, j < n (out_col
    // as in win_argmax: the column in v). Reads v and va as win_max_s2 reads v.
    void (*win_argmax_s2)(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row,
                          int32_t *out_col);
};

const PoolRowKernels &pool_rows_scalar();
const PoolRowKernels &pool_rows_avx2();  // only call when cpu_has_avx2_fma()

// The kernels in use: AVX2 when the CPU and OS support it and scalar is not forced.
const PoolRowKernels &pool_rows();

}  // namespace c4j

#endif
