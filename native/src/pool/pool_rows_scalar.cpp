// Portable row kernels of the separable pooling (any CPU). Written as branch-free selects over
// contiguous columns so that the compiler vectorises them for the baseline ISA (SSE2 on x86-64,
// NEON on arm64); x != x is the NaN test (no -ffast-math anywhere).
#include "pool/pool_rows.h"

namespace c4j {
namespace {

// x beats m: greater, or NaN over a number (PyTorch's rule)
inline bool beats(float x, float m) { return x > m || (x != x && m == m); }

void col_max(const float *x, int64_t ldx, int rows, int w, float *vmax, int32_t *varg) {
    for (int j = 0; j < w; ++j) vmax[j] = x[j];
    if (varg != nullptr) {
        for (int j = 0; j < w; ++j) varg[j] = 0;
    }
    for (int r = 1; r < rows; ++r) {
        const float *row = x + r * ldx;
        if (varg != nullptr) {
            for (int j = 0; j < w; ++j) {
                const bool win = beats(row[j], vmax[j]);
                vmax[j] = win ? row[j] : vmax[j];
                varg[j] = win ? r : varg[j];
            }
        } else {
            for (int j = 0; j < w; ++j) vmax[j] = beats(row[j], vmax[j]) ? row[j] : vmax[j];
        }
    }
}

void col_sum(const float *x, int64_t ldx, int rows, int w, float *vsum) {
    for (int j = 0; j < w; ++j) vsum[j] = x[j];
    for (int r = 1; r < rows; ++r) {
        const float *row = x + r * ldx;
        for (int j = 0; j < w; ++j) vsum[j] += row[j];
    }
}

void row_add(float *dst, const float *src, int w) {
    for (int j = 0; j < w; ++j) dst[j] += src[j];
}

void win_max(const float *v, int n, int k, float *out) {
    for (int c = 0; c < n; ++c) out[c] = v[c];
    for (int b = 1; b < k; ++b) {
        const float *s = v + b;
        for (int c = 0; c < n; ++c) out[c] = beats(s[c], out[c]) ? s[c] : out[c];
    }
}

void win_sum(const float *v, int n, int k, float *out) {
    for (int c = 0; c < n; ++c) out[c] = v[c];
    for (int b = 1; b < k; ++b) {
        const float *s = v + b;
        for (int c = 0; c < n; ++c) out[c] += s[c];
    }
}

void win_max_s2(const float *v, int n, int k, float *out) {
    for (int j = 0; j < n; ++j) out[j] = v[2 * j];
    for (int b = 1; b < k; ++b) {
        const float *s = v + b;
        for (int j = 0; j < n; ++j) out[j] = beats(s[2 * j], out[j]) ? s[2 * j] : out[j];
    }
}

void win_sum_s2(const float *v, int n, int k, float *out) {
    for (int j = 0; j < n; ++j) out[j] = v[2 * j];
    for (int b = 1; b < k; ++b) {
        const float *s = v + b;
        for (int j = 0; j < n; ++j) out[j] += s[2 * j];
    }
}

void win_argmax(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row, int32_t *out_col) {
    for (int c = 0; c < n; ++c) {
        out_v[c] = v[c];
        out_row[c] = va[c];
        out_col[c] = c;
    }
    for (int b = 1; b < k; ++b) {
        const float *s = v + b;
        const int32_t *sa = va + b;
        for (int c = 0; c < n; ++c) {
            const float x = s[c], m = out_v[c];
            const bool tie = x == m || (x != x && m != m);
            const bool win = beats(x, m) || (tie && sa[c] < out_row[c]);
            out_v[c] = win ? x : m;
            out_row[c] = win ? sa[c] : out_row[c];
            out_col[c] = win ? c + b : out_col[c];
        }
    }
}

void win_argmax_s2(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row,
                   int32_t *out_col) {
    for (int j = 0; j < n; ++j) {
        out_v[j] = v[2 * j];
        out_row[j] = va[2 * j];
        out_col[j] = 2 * j;
    }
    for (int b = 1; b < k; ++b) {
        for (int j = 0; j < n; ++j) {
            const float x = v[2 * j + b], m = out_v[j];
            const int32_t a = va[2 * j + b];
            const bool tie = x == m || (x != x && m != m);
            const bool win = beats(x, m) || (tie && a < out_row[j]);
            out_v[j] = win ? x : m;
            out_row[j] = win ? a : out_row[j];
            out_col[j] = win ? 2 * j + b : out_col[j];
        }
    }
}

const PoolRowKernels kScalar{col_max, col_sum, row_add, win_max, win_sum, win_max_s2, win_sum_s2, win_argmax, win_argmax_s2};

}  // namespace

const PoolRowKernels &pool_rows_scalar() { return kScalar; }

}  // namespace c4j
