// The direct kernels on AVX-512: the body of conv_dw_body.inc on 16-float vectors. Compiled with the AVX-512 flags;
// reached only after CPUID (dw_direct_avx512_active).
#include "conv/conv_dw.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dw_avx512 {
namespace {
#include "isa/vec_avx512.inc"
inline double hsum(vf v) {
    alignas(64) float l[16];
    _mm512_store_ps(l, v);
    double s = 0;
    for (float f : l) s += f;
    return s;
}
inline __m512i lanes_times(int s) {
    return _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                              _mm512_set1_epi32(s));
}
template <int S>
inline vf load_s(const float *p, int s) {
    if constexpr (S == 1) {
        return _mm512_loadu_ps(p);
    } else if constexpr (S == 2) {
        // p[0..15] and p[15..30]: the even floats are the first's even lanes and the second's odd lanes (p[31] is
        // never read: it may lie past the row)
        const __m512i idx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
        return _mm512_permutex2var_ps(_mm512_loadu_ps(p), idx, _mm512_loadu_ps(p + 15));
    } else {
        // the masked form: GCC's unmasked one starts from an undefined vector (-Wmaybe-uninitialized)
        return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, lanes_times(s), p, 4);
    }
}
inline vf load_s_tail(const float *p, int s, int64_t n) {
    const __mmask16 k = static_cast<__mmask16>((1u << n) - 1u);
    if (s == 1) return _mm512_maskz_loadu_ps(k, p);
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, lanes_times(s), p, 4);
}
inline void store_phases(float *dst, const vf *v, int s) {
    if (s == 1) {
        _mm512_storeu_ps(dst, v[0]);
    } else if (s == 2) {
        const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        _mm512_storeu_ps(dst, _mm512_permutex2var_ps(v[0], lo, v[1]));
        _mm512_storeu_ps(dst + 16, _mm512_permutex2var_ps(v[0], hi, v[1]));
    } else {
        alignas(64) float l[16];
        for (int q = 0; q < s; ++q) {
            _mm512_store_ps(l, v[q]);
            for (int m = 0; m < 16; ++m) dst[m * s + q] = l[m];
        }
    }
}
using vmask = __mmask16;
// Lanes k with lo <= k < hi (any lo, hi).
inline vmask range_mask(int64_t lo, int64_t hi) {
    lo = std::min<int64_t>(std::max<int64_t>(lo, 0), 16);
    hi = std::min<int64_t>(std::max<int64_t>(hi, 0), 16);
    return static_cast<vmask>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}
// Bit k of the low 8 bits of x to bit 2k.
inline unsigned spread8(unsigned x) {
    x = (x | (x << 4)) & 0x0F0Fu;
    x = (x | (x << 2)) & 0x3333u;
    return (x | (x << 1)) & 0x5555u;
}
inline vf load_s_masked(const float *p, int s, vmask m) {
    if (s == 1) return _mm512_maskz_loadu_ps(m, p);
    if (s == 2) {  // load_s<2>'s two loads, each float taken where its lane is
        const __mmask16 ka = static_cast<__mmask16>(spread8(m & 0xFFu));        // p[2k], lanes 0..7
        const __mmask16 kb = static_cast<__mmask16>(spread8(m >> 8) << 1);      // p[15 + 2(k - 8) + 1], lanes 8..15
        const __m512i idx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
        return _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(ka, p), idx, _mm512_maskz_loadu_ps(kb, p + 15));
    }
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, lanes_times(s), p, 4);
}
// m ? a * b + c : c, lane by lane
inline vf fmadd_masked(vf a, vf b, vf c, vmask m) { return _mm512_mask3_fmadd_ps(a, b, c, m); }
inline void store_n(float *p, vf v, int64_t n) {
    if (n >= 16) {
        _mm512_storeu_ps(p, v);
        return;
    }
    _mm512_mask_storeu_ps(p, static_cast<vmask>((1u << n) - 1u), v);
}
}  // namespace
}  // namespace dw_avx512
}  // namespace c4j

#define DW_NS dw_avx512
#include "conv/conv_dw_body.inc"
#undef DW_NS

namespace c4j {
const DwKernels &dw_kernels_avx512() { return dw_avx512::kernels(); }
}  // namespace c4j

#else  // not compiled for AVX-512: a table of nulls, never selected

namespace c4j {
const DwKernels &dw_kernels_avx512() {
    static const DwKernels k{nullptr, nullptr, nullptr};
    return k;
}
}  // namespace c4j

#endif
