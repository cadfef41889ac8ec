// Global pooling (the window is the whole plane): reductions vectorised across the plane, one plane per
// task, with AVX-512, AVX2 and scalar versions chosen by CPUID (and the scalar switch).
#ifndef CONV4J_POOL_GLOBAL_H
#define CONV4J_POOL_GLOBAL_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// The summation order every version follows, so that they agree bit for bit: sixteen lanes, lane l adding
// x[l], x[l + 16], x[l + 32], ... in that order from +0; then the lanes pairwise, lane i += lane i + s for
// s = 8, 4, 2, 1; the sum divided by hw.
inline float pool_global_finish(float *lanes, int64_t hw) {
    for (int s = 8; s >= 1; s /= 2) {
        for (int i = 0; i < s; ++i) lanes[i] += lanes[i + s];
    }
    return lanes[0] / static_cast<float>(hw);
}

struct PoolGlobalKernels {
    // y[p] = (sum of x[p*hw .. p*hw + hw)) / hw for p < planes, in the order of pool_global_finish.
    void (*avg_forward)(const float *x, int64_t planes, int64_t hw, float *y);
    // dx[p*hw + k] = dy[p] / hw for k < hw, p < planes.
    void (*avg_backward)(const float *dy, int64_t planes, int64_t hw, float *dx);
};

const PoolGlobalKernels &pool_global_scalar();
const PoolGlobalKernels &pool_global_avx2();    // only call when cpu_has_avx2_fma()
const PoolGlobalKernels &pool_global_avx512();  // only call when cpu_has_avx512()

// The kernels in use.
const PoolGlobalKernels &pool_global();

// Whether a pooling is global: one window covering the whole unpadded plane (1x1 output).
inline bool pool_is_global(const PoolGeo &g) {
    return g.kh == g.h && g.kw == g.w && g.ph == 0 && g.pw == 0 && g.hout == 1 && g.wout == 1;
}

}  // namespace c4j

#endif
