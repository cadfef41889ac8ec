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

const PoolRowKernels kScalar{col_max, col_sum, row_add};

}  // namespace

const PoolRowKernels &pool_rows_scalar() { return kScalar; }

}  // namespace c4j
