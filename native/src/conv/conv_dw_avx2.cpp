// The direct kernels on AVX2+FMA: the body of conv_dw_body.inc on 8-float vectors. Compiled with -mavx2 -mfma;
// reached only after CPUID (dw_direct_avx2_active).
#include "conv/conv_dw.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dw_avx2 {
namespace {
using vf = __m256;
constexpr int W = 8;
inline vf load(const float *p) { return _mm256_loadu_ps(p); }
inline void store(float *p, vf v) { _mm256_storeu_ps(p, v); }
inline vf splat(float s) { return _mm256_set1_ps(s); }
inline vf fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
inline double hsum(vf v) {
    alignas(32) float l[8];
    _mm256_store_ps(l, v);
    double s = 0;
    for (float f : l) s += f;
    return s;
}
}  // namespace
}  // namespace dw_avx2
}  // namespace c4j

#define DW_NS dw_avx2
#include "conv/conv_dw_body.inc"
#undef DW_NS

namespace c4j {
const DwKernels &dw_kernels_avx2() { return dw_avx2::kernels(); }
}  // namespace c4j

#else  // not compiled for AVX2: a table of nulls, never selected

namespace c4j {
const DwKernels &dw_kernels_avx2() {
    static const DwKernels k{nullptr, nullptr, nullptr};
    return k;
}
}  // namespace c4j

#endif
