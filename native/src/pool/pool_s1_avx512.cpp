// AVX-512 stride-1 stacked max pooling (pool_s1.h): pool_s1_body.inc on 16-float vectors. Compiled with the
// AVX-512 flags; reached only after CPUID says so.
#include "pool/pool_s1.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*, reported as "may be used
// uninitialized" wherever they inline (GCC bug 105593, fixed in GCC 13)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <limits>

namespace c4j {
namespace s1_avx512 {
namespace {
#include "isa/vec_avx512.inc"
using vm = __mmask16;
using vi = __m512i;

inline __mmask16 first_lanes(int n) {  // lanes [0, n), n in [0, 16]
    return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}
inline vf load_tail(const float *p, int n) {
    return _mm512_mask_loadu_ps(_mm512_set1_ps(-std::numeric_limits<float>::infinity()), first_lanes(n), p);
}
inline vf load_tail_zero(const float *p, int n) { return _mm512_maskz_loadu_ps(first_lanes(n), p); }
inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
inline vi sub_i(vi a, vi b) { return _mm512_sub_epi32(a, b); }
inline vi load_i(const int32_t *p) { return _mm512_loadu_si512(p); }
inline vm eq_i(vi a, vi b) { return _mm512_cmpeq_epi32_mask(a, b); }
inline vm lanes_below(int n) { return first_lanes(n); }
inline vf and_mask(vf v, vm k) { return _mm512_maskz_mov_ps(k, v); }
inline void store_tail(float *p, vf v, int n) { _mm512_mask_storeu_ps(p, first_lanes(n), v); }
inline vf vmax(vf x, vf m) { return _mm512_max_ps(x, m); }  // x > m ? x : m
inline vm gt(vf x, vf m) { return _mm512_cmp_ps_mask(x, m, _CMP_GT_OQ); }
inline vm is_neg_inf(vf m) {
    return _mm512_cmp_ps_mask(m, _mm512_set1_ps(-std::numeric_limits<float>::infinity()), _CMP_EQ_OQ);
}
inline vm nan_or(vm acc, vf v) { return static_cast<vm>(acc | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q)); }
inline bool any(vm k) { return k != 0; }
inline vm no_lanes() { return 0; }
inline vi splat_i(int v) { return _mm512_set1_epi32(v); }
inline vi add_i(vi a, vi b) { return _mm512_add_epi32(a, b); }
inline vi max0_i(vi a) { return _mm512_max_epi32(a, _mm512_setzero_si512()); }
inline vi lanes_i() { return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
inline vi blend_i(vi a, vi b, vm k) { return _mm512_mask_blend_epi32(k, a, b); }
inline void store_i(int32_t *p, vi v) { _mm512_storeu_si512(p, v); }
inline void store_i_tail(int32_t *p, vi v, int n) { _mm512_mask_storeu_epi32(p, first_lanes(n), v); }

#include "pool/pool_s1_body.inc"

const PoolS1Kernels kAvx512{max_forward, argmax, avg_forward, max_backward, avg_backward};

}  // namespace
}  // namespace s1_avx512

const PoolS1Kernels &pool_s1_avx512() { return s1_avx512::kAvx512; }

}  // namespace c4j

#else  // not built with AVX-512: never selected

namespace c4j {
const PoolS1Kernels &pool_s1_avx512() { return pool_s1_avx2(); }
}  // namespace c4j

#endif
