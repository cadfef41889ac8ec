// Scalar global pooling and the CPUID choice (pool_global.h).
#include "pool/pool_global.h"

#include "runtime/cpu_features.h"

namespace c4j {
namespace {

void avg_forward(const float *x, int64_t planes, int64_t hw, float *y) {
    for (int64_t p = 0; p < planes; ++p) {
        const float *xp = x + p * hw;
        float lanes[16] = {};
        for (int64_t k = 0; k < hw; ++k) lanes[k % 16] += xp[k];
        y[p] = pool_global_finish(lanes, hw);
    }
}

void avg_backward(const float *dy, int64_t planes, int64_t hw, float *dx) {
    for (int64_t p = 0; p < planes; ++p) {
        const float v = dy[p] / static_cast<float>(hw);
        float *d = dx + p * hw;
        for (int64_t k = 0; k < hw; ++k) d[k] = v;
    }
}

const PoolGlobalKernels kScalar{avg_forward, avg_backward};

}  // namespace

const PoolGlobalKernels &pool_global_scalar() { return kScalar; }

const PoolGlobalKernels &pool_global() {
    if (cpu_use_avx512()) return pool_global_avx512();
    if (cpu_use_avx2_fma()) return pool_global_avx2();
    return kScalar;
}

}  // namespace c4j
