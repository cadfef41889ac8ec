// The AVX-512 flavour of the 2x2 stride-2 index-driven backward (pool_index_grad.h): sixteen windows per step.
// Compiled with the AVX-512 flags; reached only after cpu_use_avx512().
#include "pool/pool_index_grad.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*, reported as "may be used
// uninitialized" wherever they inline (GCC bug 105593, fixed in GCC 13)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstring>

namespace c4j {
namespace index_grad_avx512 {
namespace {

using vf = __m512;
using vi = __m512i;
using mk = __mmask16;
constexpr int W = 16;
inline vi lane2() { return _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30); }
inline vi splat_i(int32_t v) { return _mm512_set1_epi32(v); }
inline vi add_i(vi a, vi b) { return _mm512_add_epi32(a, b); }
inline vi sub_i(vi a, vi b) { return _mm512_sub_epi32(a, b); }
inline mk eq_i(vi a, vi b) { return _mm512_cmpeq_epi32_mask(a, b); }
inline mk mand(mk a, mk b) { return static_cast<mk>(a & b); }
inline mk mor(mk a, mk b) { return static_cast<mk>(a | b); }
inline mk first(int n) { return n >= 16 ? static_cast<mk>(0xFFFF) : n <= 0 ? static_cast<mk>(0) : static_cast<mk>((1u << n) - 1); }
inline bool all_set(mk m, mk valid) { return static_cast<mk>(m & valid) == valid; }
inline vi load_i(const int32_t *p, int n, bool full) {
    // a masked float load: the same bits, and the masked form the emulated test build provides
    return full || n >= W ? _mm512_loadu_si512(p) : _mm512_castps_si512(_mm512_maskz_loadu_ps(first(n), p));
}
inline vf load_f(const float *p, int n, bool full) {
    return full || n >= W ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(first(n), p);
}
inline vf sel(mk m, vf v) { return _mm512_maskz_mov_ps(m, v); }
inline vf add0(vf v) { return _mm512_add_ps(_mm512_setzero_ps(), v); }
inline void store_pairs(float *p, int n, bool full, vf even, vf odd) {
    const __m512i il = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i ih = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512 lo = _mm512_permutex2var_ps(even, il, odd), hi = _mm512_permutex2var_ps(even, ih, odd);
    if (full || n >= W) {
        _mm512_storeu_ps(p, lo);
        _mm512_storeu_ps(p + 16, hi);
        return;
    }
    _mm512_mask_storeu_ps(p, first(2 * n), lo);
    if (2 * n > 16) _mm512_mask_storeu_ps(p + 16, first(2 * n - 16), hi);
}

#include "pool/pool_index_grad_body.inc"

const IndexGradKernels kKernels{k2s2_plane};

}  // namespace
}  // namespace index_grad_avx512

const IndexGradKernels &pool_index_grad_avx512() { return index_grad_avx512::kKernels; }

}  // namespace c4j

#else  // not built with AVX-512: never selected

namespace c4j {
const IndexGradKernels &pool_index_grad_avx512() { return pool_index_grad_avx2(); }
}  // namespace c4j

#endif
