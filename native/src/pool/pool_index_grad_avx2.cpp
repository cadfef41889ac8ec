// The AVX2 flavour of the 2x2 stride-2 index-driven backward (pool_index_grad.h): eight windows per step.
// Compiled with AVX2/FMA flags; reached only after cpu_use_avx2_fma().
#include "pool/pool_index_grad.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <cstring>

namespace c4j {
namespace index_grad_avx2 {
namespace {

using vf = __m256;
using vi = __m256i;
using mk = __m256i;  // all-ones lanes
constexpr int W = 8;
inline vi lane2() { return _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14); }
inline vi splat_i(int32_t v) { return _mm256_set1_epi32(v); }
inline vi add_i(vi a, vi b) { return _mm256_add_epi32(a, b); }
inline vi sub_i(vi a, vi b) { return _mm256_sub_epi32(a, b); }
inline mk eq_i(vi a, vi b) { return _mm256_cmpeq_epi32(a, b); }
inline mk mand(mk a, mk b) { return _mm256_and_si256(a, b); }
inline mk mor(mk a, mk b) { return _mm256_or_si256(a, b); }
inline mk first(int n) {
    const int k = n < 0 ? 0 : n > 8 ? 8 : n;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline bool all_set(mk m, mk valid) { return _mm256_testc_si256(m, valid) != 0; }
inline vi load_i(const int32_t *p, int n, bool full) {
    const __m256i *q = reinterpret_cast<const __m256i *>(p);
    return full || n >= W ? _mm256_loadu_si256(q) : _mm256_maskload_epi32(p, first(n));
}
inline vf load_f(const float *p, int n, bool full) {
    return full || n >= W ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, first(n));
}
inline vf sel(mk m, vf v) { return _mm256_and_ps(_mm256_castsi256_ps(m), v); }
inline vf add0(vf v) { return _mm256_add_ps(_mm256_setzero_ps(), v); }
inline void store_pairs(float *p, int n, bool full, vf even, vf odd) {
    const __m256 l = _mm256_unpacklo_ps(even, odd), h = _mm256_unpackhi_ps(even, odd);
    const __m256 lo = _mm256_permute2f128_ps(l, h, 0x20), hi = _mm256_permute2f128_ps(l, h, 0x31);
    if (full || n >= W) {
        _mm256_storeu_ps(p, lo);
        _mm256_storeu_ps(p + 8, hi);
        return;
    }
    _mm256_maskstore_ps(p, first(2 * n), lo);
    if (2 * n > 8) _mm256_maskstore_ps(p + 8, first(2 * n - 8), hi);
}

#include "pool/pool_index_grad_body.inc"

const IndexGradKernels kKernels{k2s2_plane};

}  // namespace
}  // namespace index_grad_avx2

const IndexGradKernels &pool_index_grad_avx2() { return index_grad_avx2::kKernels; }

}  // namespace c4j

#else  // not built with AVX2: never selected

namespace c4j {
const IndexGradKernels &pool_index_grad_avx2() { return pool_index_grad_scalar(); }
}  // namespace c4j

#endif
