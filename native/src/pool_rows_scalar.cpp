// Portable row kernels of the separable pooling (any CPU; the compiler may still use SSE2).
#include <cmath>

#include "pool_rows.h"

namespace c4j {
namespace {

void col_max(const float *x, int64_t ldx, int rows, int w, float *vmax, int32_t *varg) {
    for (int j = 0; j < w; ++j) {
        float m = x[j];
        int32_t arg = 0;
        for (int r = 1; r < rows; ++r) {
            float v = x[r * ldx + j];
            if (v > m || (std::isnan(v) && !std::isnan(m))) {
                m = v;
                arg = r;
            }
        }
        vmax[j] = m;
        if (varg != nullptr) varg[j] = arg;
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

inline bool beats(float v, float m) { return v > m || (std::isnan(v) && !std::isnan(m)); }

void win_max(const float *v, int n, int k, float *out) {
    for (int c = 0; c < n; ++c) {
        float m = v[c];
        for (int b = 1; b < k; ++b) {
            if (beats(v[c + b], m)) m = v[c + b];
        }
        out[c] = m;
    }
}

void win_sum(const float *v, int n, int k, float *out) {
    for (int c = 0; c < n; ++c) {
        float s = v[c];
        for (int b = 1; b < k; ++b) s += v[c + b];
        out[c] = s;
    }
}

void win_argmax(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row, int32_t *out_col) {
    for (int c = 0; c < n; ++c) {
        float bv = v[c];
        int32_t ba = va[c], bc = c;
        for (int b = 1; b < k; ++b) {
            float x = v[c + b];
            int32_t a = va[c + b];
            bool tie = x == bv || (std::isnan(x) && std::isnan(bv));
            if (beats(x, bv) || (tie && a < ba)) {
                bv = x;
                ba = a;
                bc = c + b;
            }
        }
        out_v[c] = bv;
        out_row[c] = ba;
        out_col[c] = bc;
    }
}

const PoolRowKernels kScalar{col_max, col_sum, row_add, win_max, win_sum, win_argmax};

}  // namespace

const PoolRowKernels &pool_rows_scalar() { return kScalar; }

}  // namespace c4j
