// AVX2 stride-1 stacked max pooling (pool_s1.h): pool_s1_body.inc on 8-float vectors. Compiled with -mavx2
// -mfma; reached only after CPUID says so.
#include "pool/pool_s1.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <limits>

namespace c4j {
namespace s1_avx2 {
namespace {
#include "isa/vec_avx2.inc"
using vm = __m256;  // all-ones lanes
using vi = __m256i;

inline __m256i first_lanes(int n) {  // all-ones in lanes [0, n), n in [0, 8]
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline vf load_tail(const float *p, int n) {
    const __m256i k = first_lanes(n);
    return _mm256_blendv_ps(_mm256_set1_ps(-std::numeric_limits<float>::infinity()), _mm256_maskload_ps(p, k),
                            _mm256_castsi256_ps(k));
}
inline vf load_tail_zero(const float *p, int n) { return _mm256_maskload_ps(p, first_lanes(n)); }
inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
inline vi sub_i(vi a, vi b) { return _mm256_sub_epi32(a, b); }
inline vi load_i(const int32_t *p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)); }
inline vm eq_i(vi a, vi b) { return _mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)); }
inline vm lanes_below(int n) { return _mm256_castsi256_ps(first_lanes(n)); }
inline vf and_mask(vf v, vm k) { return _mm256_and_ps(v, k); }
inline void store_tail(float *p, vf v, int n) { _mm256_maskstore_ps(p, first_lanes(n), v); }
inline vf vmax(vf x, vf m) { return _mm256_max_ps(x, m); }  // x > m ? x : m
inline vm gt(vf x, vf m) { return _mm256_cmp_ps(x, m, _CMP_GT_OQ); }
inline vm is_neg_inf(vf m) {
    return _mm256_cmp_ps(m, _mm256_set1_ps(-std::numeric_limits<float>::infinity()), _CMP_EQ_OQ);
}
inline vm nan_or(vm acc, vf v) { return _mm256_or_ps(acc, _mm256_cmp_ps(v, v, _CMP_UNORD_Q)); }
inline bool any(vm k) { return _mm256_movemask_ps(k) != 0; }
inline vm no_lanes() { return _mm256_setzero_ps(); }
inline vi splat_i(int v) { return _mm256_set1_epi32(v); }
inline vi add_i(vi a, vi b) { return _mm256_add_epi32(a, b); }
inline vi max0_i(vi a) { return _mm256_max_epi32(a, _mm256_setzero_si256()); }
inline vi lanes_i() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
inline vi blend_i(vi a, vi b, vm k) {
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), k));
}
inline void store_i(int32_t *p, vi v) { _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), v); }
inline void store_i_tail(int32_t *p, vi v, int n) { _mm256_maskstore_epi32(p, first_lanes(n), v); }

#include "pool/pool_s1_body.inc"

const PoolS1Kernels kAvx2{max_forward, argmax, avg_forward, max_backward, avg_backward};

}  // namespace
}  // namespace s1_avx2

const PoolS1Kernels &pool_s1_avx2() { return s1_avx2::kAvx2; }

}  // namespace c4j

#else  // not built with AVX2 (another architecture): never selected

namespace c4j {
const PoolS1Kernels &pool_s1_avx2() { return pool_s1_scalar(); }
}  // namespace c4j

#endif
