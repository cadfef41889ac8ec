// The portable flavour of the 2x2 stride-2 index-driven backward (one window per step) and the CPUID choice.
#include <cstring>

#include "pool/pool_index_grad.h"
#include "runtime/cpu_features.h"

namespace c4j {
namespace index_grad_scalar {
namespace {

using vf = float;
using vi = int64_t;  // an index minus its window's corner, without int32 overflow
using mk = bool;
constexpr int W = 1;
inline vi lane2() { return 0; }
inline vi splat_i(int32_t v) { return v; }
inline vi add_i(vi a, vi b) { return a + b; }
inline vi sub_i(vi a, vi b) { return a - b; }
inline mk eq_i(vi a, vi b) { return a == b; }
inline mk mand(mk a, mk b) { return a && b; }
inline mk mor(mk a, mk b) { return a || b; }
inline mk first(int n) { return n > 0; }
inline bool all_set(mk m, mk valid) { return m || !valid; }
inline vi load_i(const int32_t *p, int, bool) { return *p; }
inline vf load_f(const float *p, int, bool) { return *p; }
inline vf sel(mk m, vf v) { return m ? v : 0.f; }
inline vf add0(vf v) { return 0.f + v; }
inline void store_pairs(float *p, int, bool, vf even, vf odd) {
    p[0] = even;
    p[1] = odd;
}

#include "pool/pool_index_grad_body.inc"

const IndexGradKernels kKernels{k2s2_plane};

}  // namespace
}  // namespace index_grad_scalar

const IndexGradKernels &pool_index_grad_scalar() { return index_grad_scalar::kKernels; }

const IndexGradKernels &pool_index_grad() {
    if (cpu_use_avx512()) return pool_index_grad_avx512();
    if (cpu_use_avx2_fma()) return pool_index_grad_avx2();
    return pool_index_grad_scalar();
}

}  // namespace c4j
