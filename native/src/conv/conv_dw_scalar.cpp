// The direct kernels' portable flavour: the body of conv_dw_body.inc on one float at a time.
#include <algorithm>
#include <cmath>
#include <vector>

#include "conv/conv_dw.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dw_scalar {
namespace {
#include "isa/vec_scalar.inc"
inline double hsum(vf v) { return v; }
template <int S>
inline vf load_s(const float *p, int) { return *p; }
// A vector of one float has no partial tail (n < W never holds).
inline vf load_s_tail(const float *, int, int64_t) { return 0.f; }
inline void store_phases(float *dst, const vf *v, int s) {
    for (int q = 0; q < s; ++q) dst[q] = v[q];
}
using vmask = bool;
inline vmask range_mask(int64_t lo, int64_t hi) { return lo <= 0 && 0 < hi; }
inline vf load_s_masked(const float *p, int, vmask m) { return m ? *p : 0.f; }
inline vf fmadd_masked(vf a, vf b, vf c, vmask m) { return m ? a * b + c : c; }
inline void store_n(float *p, vf v, int64_t n) {
    if (n > 0) *p = v;
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
