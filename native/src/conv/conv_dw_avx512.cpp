// The direct kernels on AVX-512: the body of conv_dw_body.inc on 16-float vectors. Compiled with the AVX-512 flags;
// reached only after CPUID (dw_direct_avx512_active).
#include "conv/conv_dw.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace dw_avx512 {
namespace {
using vf = __m512;
constexpr int W = 16;
inline vf load(const float *p) { return _mm512_loadu_ps(p); }
inline void store(float *p, vf v) { _mm512_storeu_ps(p, v); }
inline vf splat(float s) { return _mm512_set1_ps(s); }
inline vf fmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
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
