// The direct kernels' portable flavour: the body of conv_dw_body.inc on one float at a time.
#include <algorithm>
#include <vector>

#include "conv/conv_dw.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dw_scalar {
namespace {
using vf = float;
constexpr int W = 1;
inline vf load(const float *p) { return *p; }
inline void store(float *p, vf v) { *p = v; }
inline vf splat(float s) { return s; }
inline vf fmadd(vf a, vf b, vf c) { return a * b + c; }
inline double hsum(vf v) { return v; }
template <int S>
inline vf load_s(const float *p, int) { return *p; }
// A vector of one float has no partial tail (n < W never holds).
inline vf load_s_tail(const float *, int, int64_t) { return 0.f; }
inline void store_phases(float *dst, const vf *v, int s) {
    for (int q = 0; q < s; ++q) dst[q] = v[q];
}
}  // namespace
}  // namespace dw_scalar
}  // namespace c4j

#define DW_NS dw_scalar
#include "conv/conv_dw_body.inc"
#undef DW_NS

namespace c4j {
const DwKernels &dw_kernels_scalar() { return dw_scalar::kernels(); }
}  // namespace c4j
