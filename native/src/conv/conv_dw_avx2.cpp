// The direct kernels on AVX2+FMA: the body of conv_dw_body.inc on 8-float vectors. Compiled with -mavx2 -mfma;
// reached only after CPUID (dw_direct_avx2_active).
#include "conv/conv_dw.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dw_avx2 {
namespace {
#include "isa/vec_avx2.inc"
inline double hsum(vf v) {
    alignas(32) float l[8];
    _mm256_store_ps(l, v);
    double s = 0;
    for (float f : l) s += f;
    return s;
}
inline __m256i lanes_times(int s) {
    return _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(s));
}
template <int S>
inline vf load_s(const float *p, int s) {
    if constexpr (S == 1) {
        return _mm256_loadu_ps(p);
    } else if constexpr (S == 2) {
        // p[0..7] and p[7..14]: the even floats are lanes 0, 2 of each 128-bit half of the first and 1, 3 of the
        // second (p[15] is never read: it may lie past the row)
        const vf a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 7);
        const vf t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 2, 0));  // p0 p2 p8 p10 | p4 p6 p12 p14
        return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
    } else {
        // the masked form, as on AVX-512 (GCC's unmasked one may start from an undefined vector)
        const vf all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, lanes_times(s), all, 4);
    }
}
// Lane k < n: -1 (taken), else 0.
inline __m256i first_lanes(int64_t n) {
    alignas(32) static const int32_t m[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(m + 8 - n));
}
inline vf load_s_tail(const float *p, int s, int64_t n) {
    const __m256i k = first_lanes(n);
    if (s == 1) return _mm256_maskload_ps(p, k);
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, lanes_times(s), _mm256_castsi256_ps(k), 4);
}
inline void store_phases(float *dst, const vf *v, int s) {
    if (s == 1) {
        _mm256_storeu_ps(dst, v[0]);
    } else if (s == 2) {
        const vf lo = _mm256_unpacklo_ps(v[0], v[1]);  // e0 o0 e1 o1 | e4 o4 e5 o5
        const vf hi = _mm256_unpackhi_ps(v[0], v[1]);  // e2 o2 e3 o3 | e6 o6 e7 o7
        _mm256_storeu_ps(dst, _mm256_permute2f128_ps(lo, hi, 0x20));
        _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    } else {
        alignas(32) float l[8];
        for (int q = 0; q < s; ++q) {
            _mm256_store_ps(l, v[q]);
            for (int m = 0; m < 8; ++m) dst[m * s + q] = l[m];
        }
    }
}
using vmask = __m256;  // lanes all ones (taken) or zero
// Lanes k with lo <= k < hi (any lo, hi).
inline vmask range_mask(int64_t lo, int64_t hi) {
    lo = std::min<int64_t>(std::max<int64_t>(lo, 0), 8);
    hi = std::min<int64_t>(std::max<int64_t>(hi, 0), 8);
    return _mm256_castsi256_ps(_mm256_andnot_si256(first_lanes(lo), first_lanes(hi)));
}
inline vf load_s_masked(const float *p, int s, vmask m) {
    if (s == 1) return _mm256_maskload_ps(p, _mm256_castps_si256(m));
    if (s == 2) {  // load_s<2>'s two loads, each float taken where its lane is (no gather: slow on some cores)
        const __m256i mi = _mm256_castps_si256(m);
        const __m256i even = _mm256_setr_epi32(-1, 0, -1, 0, -1, 0, -1, 0);
        // p[0..7]: p[2k] takes lane k's mask; p[7..14]: p[8 + 2k] takes lane 4 + k's
        const __m256i la = _mm256_permutevar8x32_epi32(mi, _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3));
        const __m256i lb = _mm256_permutevar8x32_epi32(mi, _mm256_setr_epi32(0, 4, 0, 5, 0, 6, 0, 7));
        const __m256i ka = _mm256_and_si256(la, even), kb = _mm256_andnot_si256(even, lb);
        const vf a = _mm256_maskload_ps(p, ka), b = _mm256_maskload_ps(p + 7, kb);
        const vf t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 2, 0));
        return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
    }
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, lanes_times(s), m, 4);
}
// m ? a * b + c : c, lane by lane (the taken lanes bit for bit fmadd's)
inline vf fmadd_masked(vf a, vf b, vf c, vmask m) { return _mm256_blendv_ps(c, _mm256_fmadd_ps(a, b, c), m); }
inline void store_n(float *p, vf v, int64_t n) {
    if (n >= 8) {
        _mm256_storeu_ps(p, v);
        return;
    }
    alignas(32) float l[8];
    _mm256_store_ps(l, v);
    for (int64_t k = 0; k < n; ++k) p[k] = l[k];
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
