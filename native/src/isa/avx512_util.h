// Small AVX-512 helpers shared by the kernels compiled with conv4j_avx512_source. Include only from
// such files, inside `#if defined(__AVX512F__)`.
#ifndef CONV4J_AVX512_UTIL_H
#define CONV4J_AVX512_UTIL_H

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

namespace c4j {

// Bits [lo, hi) of a 16-bit mask (clipped).
inline __mmask16 range_mask(int64_t lo, int64_t hi) {
    lo = std::max<int64_t>(lo, 0);
    hi = std::min<int64_t>(hi, 16);
    if (hi <= lo) return 0;
    return static_cast<__mmask16>(((1u << (hi - lo)) - 1u) << lo);
}

// r[j][lane] <- r[lane][j]. The masked forms with a full mask: the plain intrinsics start from an
// undefined vector, which GCC 12 reports as maybe-uninitialized.
inline void transpose16(__m512 r[16]) {
    __m512 a[16], b[16], c[16];
    for (int i = 0; i < 8; ++i) {
        a[2 * i] = _mm512_mask_unpacklo_ps(r[2 * i], 0xFFFF, r[2 * i], r[2 * i + 1]);
        a[2 * i + 1] = _mm512_mask_unpackhi_ps(r[2 * i], 0xFFFF, r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; ++i) {
        const __m512d x0 = _mm512_castps_pd(a[4 * i]), x1 = _mm512_castps_pd(a[4 * i + 1]);
        const __m512d x2 = _mm512_castps_pd(a[4 * i + 2]), x3 = _mm512_castps_pd(a[4 * i + 3]);
        b[4 * i] = _mm512_castpd_ps(_mm512_mask_unpacklo_pd(x0, 0xFF, x0, x2));
        b[4 * i + 1] = _mm512_castpd_ps(_mm512_mask_unpackhi_pd(x0, 0xFF, x0, x2));
        b[4 * i + 2] = _mm512_castpd_ps(_mm512_mask_unpacklo_pd(x1, 0xFF, x1, x3));
        b[4 * i + 3] = _mm512_castpd_ps(_mm512_mask_unpackhi_pd(x1, 0xFF, x1, x3));
    }
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 4; ++j) {
            c[8 * i + j] = _mm512_mask_shuffle_f32x4(b[8 * i + j], 0xFFFF, b[8 * i + j], b[8 * i + 4 + j], 0x88);
            c[8 * i + 4 + j] = _mm512_mask_shuffle_f32x4(b[8 * i + j], 0xFFFF, b[8 * i + j], b[8 * i + 4 + j], 0xdd);
        }
    for (int j = 0; j < 8; ++j) {
        r[j] = _mm512_mask_shuffle_f32x4(c[j], 0xFFFF, c[j], c[8 + j], 0x88);
        r[8 + j] = _mm512_mask_shuffle_f32x4(c[j], 0xFFFF, c[j], c[8 + j], 0xdd);
    }
}

}  // namespace c4j

#endif
